// Starts a Node process for a bench (the manager, a baseline server) and waits for its address.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';

/** Starts a Node process from `args`, resolves with its URL once it prints `listening on URL`. */
export function serve(args: string[], env: Record<string, string> = {}): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    const onData = (d: Buffer): void => {
      out += d.toString();
      const match = /listening on (http:\/\/\S+)/.exec(out);
      if (!match) return;
      // From here on its output is drained, not kept: a flood makes the manager log a line per request.
      child.stdout?.off('data', onData).resume();
      child.stderr?.off('data', onData).resume();
      resolve({ url: match[1]!, child });
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', () => reject(new Error(`exited before listening:\n${out}`)));
  });
}
