// The attacker of `bench/fleet-flood.ts`, in a process of its own: one read token floods the manager with new instance ids and usage reports.
import { flood } from '../test/helpers/flood';
import type { FloodRequest } from '../test/helpers/flood';

const url = process.env.FLOOD_URL ?? '';
const token = process.env.FLOOD_TOKEN ?? '';
const space = process.env.FLOOD_SPACE ?? '';
const keys = (process.env.FLOOD_KEYS ?? '').split(',');
const seconds = Number(process.env.FLOOD_SECONDS ?? '10');
/** `fleet`: new instance ids and usage reports; `plain`: the same reads with no instance header and no reports, the baseline. */
const mode = process.env.FLOOD_MODE === 'plain' ? 'plain' : 'fleet';

const auth = { authorization: `Bearer ${token}` };
let nextId = 0;
let round = 0;

/** A read naming a new instance id, every time (in `plain` mode, naming none). */
function newId(): FloodRequest {
  const who: Record<string, string> = mode === 'plain' ? {} : { 'x-secret-sync-instance': `fake-${nextId++}; name=fake; version=6.6.6` };
  return { method: 'GET', path: `/v1/spaces/${space}/secrets`, headers: { ...auth, ...who } };
}

/** Report bodies, made once (an attacker does not pay for them per request): every key of the space with new counts each round, 1,550 keys of 128 characters (refused), 900 unknown keys (dropped). */
const OVERSIZED = JSON.stringify({ keys: Array.from({ length: 1550 }, (_, k) => ({ key: `FAKE_${k}_`.padEnd(128, 'x'), nodes: Number.MAX_SAFE_INTEGER })) });
const UNKNOWN = JSON.stringify({ keys: Array.from({ length: 900 }, (_, k) => ({ key: `FAKE_${k}_`.padEnd(128, 'x'), nodes: 1 })) });
let real = '';

/** A usage report of one of the first 500 fake instances (those a token's burst records), of each kind in turn. */
function report(i: number): FloodRequest {
  const body = [real, OVERSIZED, UNKNOWN][i % 3] ?? real;
  return { method: 'PUT', path: `/v1/spaces/${space}/instances/fake-${i % 500}/usage`, headers: { ...auth, 'content-type': 'application/json' }, body };
}

async function main(): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  const statuses: Record<string, number> = {};
  const add = (counts: Map<number, number>, kind: string): void => {
    for (const [status, n] of counts) statuses[`${kind} ${status}`] = (statuses[`${kind} ${status}`] ?? 0) + n;
  };
  let sent = 0;
  while (Date.now() < deadline) {
    round++;
    real = JSON.stringify({ keys: keys.map((key) => ({ key, nodes: 1 + (round % 1000) })) });
    const [reads, reports] = await Promise.all([flood(url, 2000, newId, 24), mode === 'plain' ? flood(url, 300, newId, 8) : flood(url, 300, report, 8)]);
    add(reads, 'GET');
    add(reports, mode === 'plain' ? 'GET' : 'PUT');
    sent += 2300;
  }
  process.stdout.write(`${JSON.stringify({ sent, statuses })}\n`);
}

void main();
