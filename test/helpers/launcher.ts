// Runs `npm start`'s launcher (dist/scripts/start.js) as a user would, on free ports in a given data directory.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from './node-red';

const LAUNCHER = join(REPO_ROOT, 'dist/scripts/start.js');

/** A running launcher: its process, the two URLs it printed and everything it wrote so far. */
export interface Launcher {
  child: ChildProcess;
  /** The Node-RED editor, with a trailing slash. */
  editor: string;
  /** The Secret Manager, without a trailing slash. */
  manager: string;
  output: () => string;
  /** Ctrl-C, and its exit code. */
  stop(): Promise<number | null>;
}

/** Starts the launcher on free ports with its data in `dir`; resolves once it printed both URLs (≤ 30 s). */
export function startLauncher(dir: string, env: Record<string, string> = {}): Promise<Launcher> {
  const child = spawn(process.execPath, [LAUNCHER], {
    env: { ...process.env, PORT: '0', SECRET_MANAGER_PORT: '0', SECRET_SYNC_DEMO_DIR: dir, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the launcher printed no editor URL within 30 s:\n${out}`)), 30_000);
    const onData = (d: Buffer): void => {
      out += d.toString();
      const editor = /Node-RED editor:\s+(http:\/\/\S+)/.exec(out)?.[1];
      const manager = /Secret Manager:\s+(http:\/\/\S+)/.exec(out)?.[1];
      if (editor && manager) {
        clearTimeout(timer);
        child.stdout.off('data', onData);
        child.stderr.off('data', onData);
        const keep = (more: Buffer): void => void (out += more.toString());
        child.stdout.on('data', keep);
        child.stderr.on('data', keep);
        resolve({
          child,
          editor,
          manager,
          output: () => out,
          stop: () => {
            child.kill('SIGINT');
            return exited;
          },
        });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`the launcher exited (${code}):\n${out}`));
    });
  });
}
