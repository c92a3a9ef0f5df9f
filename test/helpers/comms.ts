// A Node-RED comms (WebSocket) client for tests: signs in, subscribes, and keeps every frame it receives.
import { eventually } from './node-red';

/** An open comms connection. */
export interface TestComms {
  /** Every frame received, as sent (JSON text). */
  frames: string[];
  close(): void;
}

/** Connects to `<adminUrl>/comms` as the holder of `token` (none: a runtime without adminAuth) and subscribes to `topics`. */
export async function openComms(adminUrl: string, token: string | undefined, topics: string[]): Promise<TestComms> {
  const ws = new WebSocket(`${adminUrl.replace(/^http/, 'ws')}/comms`);
  const frames: string[] = [];
  ws.addEventListener('message', (e) => frames.push(String(e.data)));
  await new Promise((resolve, reject) => {
    ws.addEventListener('open', resolve);
    ws.addEventListener('error', reject);
  });
  if (token !== undefined) {
    ws.send(JSON.stringify({ auth: token }));
    await eventually(() => frames.some((f) => f.includes('"auth":"ok"')), 3_000, 'comms auth');
  }
  for (const topic of topics) ws.send(JSON.stringify({ subscribe: topic }));
  // Subscriptions are processed in order; a short pause lets them land before the test acts.
  await new Promise((r) => setTimeout(r, 100));
  return { frames, close: () => ws.close() };
}
