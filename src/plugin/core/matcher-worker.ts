// Worker-thread entry: compiles one matcher layer from the values it is sent and transfers the arrays back, so the event loop never runs the compile.
import { parentPort } from 'node:worker_threads';
import { layerPatterns } from './mask-forms';
import { matcherWork } from './secret-matcher';
import { runNow } from './time-slice';

/** What the main thread sends: the values and the pair lists to mask. */
export interface MatcherJob {
  values: string[];
  pairs: string[][];
}

parentPort?.once('message', (job: MatcherJob) => {
  const { data, transfer } = runNow(matcherWork(layerPatterns(job.values, job.pairs))).toData();
  parentPort?.postMessage(data, transfer);
});
