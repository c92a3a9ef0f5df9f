// Runs one matcher compile in a short-lived worker thread (src/plugin/core/matcher-worker.ts) and rebuilds the matcher from the arrays it transfers.
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { MatcherTables, SecretMatcher } from './secret-matcher';
import type { MatcherTablesData } from './secret-matcher';
import type { MatcherJob } from './matcher-worker';
import { SyncError } from '../../shared/sync-error';

/** Where the compiled worker entry sits: beside this file in dist/. */
const WORKER_FILE = join(__dirname, 'matcher-worker.js');

/**
 * Compiles the patterns of `values` and `pairs` in a new worker thread and
 * resolves with the matcher; rejects if the worker fails or exits without an
 * answer (the caller then compiles on this thread). The worker never keeps
 * the process alive and ends after its one job.
 */
export function compileInWorker(values: string[], pairs: (readonly string[])[]): Promise<SecretMatcher> {
  return new Promise((resolve, reject) => {
    let worker: Worker;
    try {
      worker = new Worker(WORKER_FILE);
    } catch (err) {
      reject(new SyncError('matcher_worker_failed', `the matcher worker did not start (${err instanceof Error ? err.message : String(err)})`));
      return;
    }
    worker.unref();
    worker.once('message', (data: MatcherTablesData) => {
      resolve(new SecretMatcher(MatcherTables.fromData(data)));
      void worker.terminate();
    });
    worker.once('error', (err) => reject(new SyncError('matcher_worker_failed', `the matcher worker failed (${err.message})`)));
    worker.once('exit', (code) => reject(new SyncError('matcher_worker_failed', `the matcher worker exited (${code}) without an answer`)));
    const job: MatcherJob = { values, pairs: pairs.map((p) => [...p]) };
    try {
      worker.postMessage(job);
    } catch (err) {
      reject(new SyncError('matcher_worker_failed', `the job could not be sent to the matcher worker (${err instanceof Error ? err.name : 'error'})`));
      void worker.terminate();
    }
  });
}
