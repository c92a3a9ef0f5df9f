// A mass rotation in a real Node-RED: every value of the space rotated, one sync, and what a flow prints right after is masked; the editor's changed frame carries counts, not names.
import assert from 'node:assert/strict';
import { MASK } from '../../../src/shared/contract';
import { openComms } from '../../helpers/comms';
import type { TestComms } from '../../helpers/comms';
import { findLeak } from '../../helpers/leaks';
import { canary, startTestManager } from '../../helpers/manager';
import type { TestManager } from '../../helpers/manager';
import { eventually, startNodeRed } from '../../helpers/node-red';
import type { TestNodeRed } from '../../helpers/node-red';

/** Keys of the space: more than the 64 values a small change compiles as a delta, so the rotation compiles a full layer. */
const KEYS = 300;

/** `GET /api/print?key=K` prints the value of K in a log line, a node status and a debug message, and answers `done`. */
const FLOWS = [
  { id: 'mass-tab', type: 'tab', label: 'Mass rotation' },
  { id: 'mass-in', type: 'http in', z: 'mass-tab', url: '/print', method: 'get', wires: [['mass-fn']] },
  {
    id: 'mass-fn',
    type: 'function',
    z: 'mass-tab',
    func: [
      "const value = global.get('SECRETS')[msg.req.query.key];",
      "node.warn('warn ' + value);",
      "node.status({ text: 'status ' + value });",
      "node.send([{ payload: 'debug ' + value }, { ...msg, payload: 'done' }]);",
    ].join('\n'),
    outputs: 2,
    libs: [],
    wires: [['mass-debug'], ['mass-out']],
  },
  { id: 'mass-debug', type: 'debug', z: 'mass-tab', active: true, tosidebar: true, console: false, complete: 'payload', wires: [] },
  { id: 'mass-out', type: 'http response', z: 'mass-tab', statusCode: '', headers: {}, wires: [] },
];

describe('integration: a mass rotation in a real Node-RED runtime', function () {
  this.timeout(60_000);
  let manager: TestManager;
  let nr: TestNodeRed;
  let comms: TestComms;
  const space = '/v1/spaces/mass/secrets';
  /** Writes every key's value, 8 requests at once (the manager's bound on bodies per token). */
  const writeAll = async (values: string[], method: 'POST' | 'PATCH'): Promise<void> => {
    let next = 0;
    const worker = async (): Promise<void> => {
      for (let i = next++; i < values.length; i = next++) {
        const res = method === 'POST' ? await manager.api('POST', space, { body: { name: `KEY_${i}`, value: values[i] } }) : await manager.api('PATCH', `${space}/KEY_${i}`, { body: { value: values[i] } });
        assert.ok(res.status < 300, `${method} KEY_${i}: ${res.status}`);
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
  };

  before(async () => {
    manager = await startTestManager();
    await writeAll(Array.from({ length: KEYS }, (_, i) => canary(`old-${i}`)), 'POST');
    nr = await startNodeRed({ flows: FLOWS, settings: { secretSync: { url: manager.url, space: 'mass', token: await manager.readToken('mass'), interval: 'off', syncOnDeploy: false } } });
    comms = await openComms(nr.adminUrl, undefined, ['debug', 'status/#', 'notification/#', 'secret-sync/#']);
  });

  after(async () => {
    comms?.close();
    await nr?.stop();
    await manager?.stop();
  });

  it('masks every rotated value a flow prints right after the sync, in logs, node status and the debug sidebar; the changed frame has counts only', async () => {
    const rotated = Array.from({ length: KEYS }, (_, i) => canary(`rotated-${i}`));
    await writeAll(rotated, 'PATCH');
    const synced = await nr.admin('POST', '/secret-sync/sync');
    assert.equal((synced.body as { state: string }).state, 'ok');
    // Printed at once after the sync, first, middle and last key: the new layer must already mask them.
    for (const i of [0, KEYS / 2, KEYS - 1]) assert.equal((await nr.endpoint(`/print?key=KEY_${i}`)).text, 'done');
    // A comms frame is a list of messages (Node-RED batches them).
    const messages = (topic: string): { topic: string; data: unknown }[] =>
      comms.frames.flatMap((f) => JSON.parse(f) as unknown).filter((m): m is { topic: string; data: unknown } => (m as { topic?: unknown }).topic === topic);
    // The debug node's messages (node warnings go to the Debug sidebar too).
    const debug = (): unknown[] => messages('debug').flatMap((m) => ((m.data as { id?: unknown }).id === 'mass-debug' ? [(m.data as { msg?: unknown }).msg] : []));
    await eventually(() => debug().length >= 3, 5_000, 'three debug messages');
    await eventually(() => nr.logs.filter((l) => l.msg.startsWith('warn ')).length >= 3, 5_000, 'three warnings');
    const logs = nr.logs.map((l) => l.msg).join('\n');
    const frames = comms.frames.join('\n');
    assert.equal(findLeak(logs, rotated), undefined, `a log line leaks ${findLeak(logs, rotated)}`);
    assert.equal(findLeak(frames, rotated), undefined, `a comms frame leaks ${findLeak(frames, rotated)}`);
    assert.equal(nr.logs.filter((l) => l.msg === `warn ${MASK}`).length, 3);
    assert.ok(frames.includes(`status ${MASK}`), 'the node status is masked');
    assert.deepEqual(debug(), [`debug ${MASK}`, `debug ${MASK}`, `debug ${MASK}`]);
    const changed = messages('secret-sync/changed');
    assert.equal(changed.length, 1);
    const data = changed[0]!.data as Record<string, unknown>;
    assert.deepEqual(Object.keys(data).sort(), ['addedCount', 'changedCount', 'removedCount', 'version']);
    assert.equal(data.changedCount, KEYS);
    assert.equal(data.addedCount, 0);
    assert.equal(data.removedCount, 0);
  });
});
