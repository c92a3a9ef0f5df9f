// Runs the real `secret-manager` executable as a child process, the way a user would.
import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { resolve } from 'node:path';

/** Absolute path of the CLI entry shipped in the repo. */
export const CLI = resolve(__dirname, '../../../src/manager/bin/secret-manager.js');

/** Result of one CLI run. */
export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI to completion with `args`, optional stdin and extra environment. */
export function runCli(args: string[], options: { env?: Record<string, string>; input?: string } = {}): Promise<CliResult> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ...options.env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}

/** A `secret-manager serve` child process and the URL it listens on. */
export interface ServeProcess {
  child: ChildProcessWithoutNullStreams;
  url: string;
  output: () => string;
  /** Resolves with the exit code (or signal name) once the process has ended. */
  exited: Promise<number | string | null>;
}

/**
 * Starts `secret-manager serve` on a free port and waits (at most 15 s) for its "listening" line;
 * `fileLimit` runs it under `ulimit -n` of that many open files.
 */
export function startServe(dataDir: string, env: Record<string, string> = {}, fileLimit?: number): Promise<ServeProcess> {
  const args = [CLI, '--data-dir', dataDir, 'serve', '--port', '0'];
  const child =
    fileLimit === undefined
      ? spawn(process.execPath, args, { env: { ...process.env, ...env } })
      : spawn('sh', ['-c', `ulimit -n ${fileLimit} && exec "$0" "$@"`, process.execPath, ...args], { env: { ...process.env, ...env } });
  let output = '';
  const exited = new Promise<number | string | null>((r) => child.on('exit', (code, signal) => r(code ?? signal)));
  return new Promise((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`serve did not start:\n${output}`)), 15_000);
    let listening = false;
    const onData = (d: Buffer): void => {
      output += d.toString();
      // Once listening, only collect: scanning the whole output on every line would cost the measuring process of a bench dearly.
      if (listening) return;
      const match = /listening on (\S+)/.exec(output);
      if (match?.[1]) {
        listening = true;
        clearTimeout(timer);
        done({ child, url: match[1], output: () => output, exited });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      fail(new Error(`serve exited (${String(code)}) before listening:\n${output}`));
    });
  });
}

/** Starts `secret-manager serve` expecting it to fail before listening; resolves to what it printed (rejects if it started). */
export async function serveFailure(dataDir: string, env: Record<string, string> = {}): Promise<string> {
  let serve: ServeProcess;
  try {
    serve = await startServe(dataDir, env);
  } catch (err) {
    return (err as Error).message;
  }
  serve.child.kill('SIGKILL');
  await serve.exited;
  throw new Error('secret-manager serve started where it should have failed');
}
