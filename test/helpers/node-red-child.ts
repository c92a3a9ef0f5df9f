// Starts Node-RED in a child process (see test/fixtures/node-red-child.ts) and talks to it over HTTP.
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { request } from './http';
import type { RequestOptions, TestResponse } from './http';
import type { LogLine, NodeRedOptions } from './node-red';

/** A Node-RED child process. */
export interface NodeRedChild {
  url: string;
  userDir: string;
  logs: LogLine[];
  admin(method: string, path: string, options?: RequestOptions): Promise<TestResponse>;
  /** Stops it with SIGTERM and waits for the exit. */
  stop(): Promise<void>;
}

const FIXTURE = resolve(__dirname, '../fixtures/node-red-child.js');

/** Starts a child runtime with `options`, extra environment variables, and waits (≤ 20 s) until it listens. */
export function spawnNodeRed(options: NodeRedOptions, env: Record<string, string> = {}): Promise<NodeRedChild> {
  const child = spawn(process.execPath, [FIXTURE], {
    env: { ...process.env, ...env, NODE_RED_CHILD_OPTIONS: JSON.stringify(options) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: LogLine[] = [];
  let buffer = '';
  let stderr = '';
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  return new Promise((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`node-red child did not start:\n${stderr}`)), 20_000);
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    void exited.then(() => {
      clearTimeout(timer);
      fail(new Error(`node-red child exited:\n${stderr}`));
    });
    child.stdout.on('data', (d: Buffer) => {
      buffer += d.toString();
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        if (line.startsWith('LOG ')) logs.push(JSON.parse(line.slice(4)) as LogLine);
        if (line.startsWith('READY ')) {
          clearTimeout(timer);
          const { url, userDir } = JSON.parse(line.slice(6)) as { url: string; userDir: string };
          done({
            url,
            userDir,
            logs,
            admin: (method, path, opts = {}) => request(method, url + path, opts),
            stop: async () => {
              child.kill('SIGTERM');
              await exited;
            },
          });
        }
      }
    });
  });
}
