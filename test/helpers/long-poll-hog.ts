// Holds long-poll slots of a real manager, the way a greedy client would: for tests of what the others see when the slots are taken.
import { request } from './http';

/**
 * Keeps one long poll open on `space` with `token` until `signal` aborts,
 * asking again whenever it is refused (503) or answered, so the slot stays
 * taken. Resolves once aborted; never rejects.
 */
export async function holdLongPoll(url: string, token: string, space: string, signal: AbortSignal): Promise<void> {
  while (!signal.aborted) {
    // The space's current version: the manager holds the request until it changes (a version it never reached is answered at once).
    const version = await currentVersion(url, token, space).catch(() => 0);
    const answer = await request('GET', `${url}/v1/spaces/${space}/secrets?wait=60&version=${version}`, { token, signal }).catch(() => undefined);
    if (answer?.status === 503) await new Promise((r) => setTimeout(r, 50));
  }
}

/** Resolves once the manager at `url` refuses a long poll of `token` with 503 (every slot taken); rejects after `ms`. */
export async function untilSlotsTaken(url: string, token: string, space: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  const version = await currentVersion(url, token, space);
  while ((await request('GET', `${url}/v1/spaces/${space}/secrets?wait=1&version=${version}`, { token })).status !== 503) {
    if (Date.now() > deadline) throw new Error('the long-poll slots were never all taken');
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The version of `space` as `token` reads it now. */
async function currentVersion(url: string, token: string, space: string): Promise<number> {
  const res = await request('GET', `${url}/v1/spaces/${space}/secrets`, { token });
  return (res.body as { version?: number } | undefined)?.version ?? 0;
}
