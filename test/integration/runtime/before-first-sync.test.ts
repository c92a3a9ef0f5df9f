// What flows see while the manager is down at start: an empty, frozen, null-prototype global.SECRETS, replaced whole by the first good sync.
import assert from 'node:assert/strict';
import { startFaultProxy } from '../../helpers/fault-proxy';
import type { FaultProxy } from '../../helpers/fault-proxy';
import { canary, startTestManager } from '../../helpers/manager';
import type { TestManager } from '../../helpers/manager';
import { eventually, startNodeRed } from '../../helpers/node-red';
import type { TestNodeRed } from '../../helpers/node-red';

interface Seen {
  value: string | null;
  viaPath: string | null;
  keys: string[];
  frozen: boolean;
  nullPrototype: boolean;
  atStart: string;
}

/** The README's own line, `global.get('SECRETS').my_api_token`, in a function node (main and On Start), and a catch node that answers any error. */
const flows = [
  { id: 'first-tab', type: 'tab', label: 'Before the first sync' },
  { id: 'first-in', type: 'http in', z: 'first-tab', url: '/first', method: 'get', wires: [['first-fn']] },
  {
    id: 'first-fn',
    type: 'function',
    z: 'first-tab',
    func: [
      "const s = global.get('SECRETS');",
      'msg.payload = {',
      "  value: global.get('SECRETS').my_api_token ?? null,",
      "  viaPath: global.get('SECRETS.my_api_token') ?? null,",
      '  keys: Object.keys(s),',
      '  frozen: Object.isFrozen(s),',
      '  nullPrototype: Object.getPrototypeOf(s) === null,',
      "  atStart: global.get('atStart') ?? null,",
      '};',
      'return msg;',
    ].join('\n'),
    outputs: 1,
    libs: [],
    wires: [['first-out']],
  },
  // On Start runs as the flows start, before any sync could succeed.
  { id: 'start-fn', type: 'function', z: 'first-tab', func: 'return msg;', initialize: "global.set('atStart', String(global.get('SECRETS').my_api_token));", finalize: '', outputs: 1, libs: [], wires: [[]] },
  { id: 'first-catch', type: 'catch', z: 'first-tab', scope: null, uncaught: false, wires: [['first-error']] },
  { id: 'first-error', type: 'change', z: 'first-tab', rules: [{ t: 'set', p: 'payload', pt: 'msg', to: 'error.message', tot: 'msg' }, { t: 'set', p: 'statusCode', pt: 'msg', to: '500', tot: 'num' }], wires: [['first-out']] },
  { id: 'first-out', type: 'http response', z: 'first-tab', wires: [] },
];

describe('integration: global.SECRETS before the first successful sync (manager down at start)', function () {
  this.timeout(60_000);
  const value = canary('first-sync-token');
  let manager: TestManager;
  let proxy: FaultProxy;
  let nr: TestNodeRed;

  before(async () => {
    manager = await startTestManager();
    await manager.api('POST', '/v1/spaces/demo/secrets', { body: { name: 'my_api_token', value } });
    proxy = await startFaultProxy(manager.url);
    // The manager cannot be reached: every connection is reset.
    proxy.setFallback({ kind: 'reset' });
    nr = await startNodeRed({
      flows,
      settings: {
        secretSync: {
          url: proxy.url,
          space: 'demo',
          token: await manager.readToken('demo'),
          interval: 'off',
          retry: { retries: 1, minDelayMs: 20, maxDelayMs: 50, attemptTimeoutMs: 1_000, totalTimeoutMs: 2_000 },
        },
      },
    });
  });

  after(async () => {
    await nr?.stop();
    await proxy?.close();
    await manager?.stop();
  });

  it('gives flows an empty, frozen object without prototype: reads answer undefined, nothing throws', async () => {
    const status = (await nr.admin('GET', '/secret-sync/status')).body as { state: string; error: { code: string } | null };
    assert.equal(status.state, 'error');
    assert.equal(status.error?.code, 'connection_reset');
    const res = await eventually(async () => {
      const r = await nr.endpoint('/first');
      return r.status === 404 ? undefined : r;
    }, 10_000, 'the flow to start');
    // A throwing read would reach the catch node and answer 500 with its message.
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.body, { value: null, viaPath: null, keys: [], frozen: true, nullPrototype: true, atStart: 'undefined' });
  });

  it('replaces it whole with the first good sync; a failed sync after it keeps that very object', async () => {
    const before = nr.globalContext.SECRETS;
    proxy.setFallback({ kind: 'pass' });
    assert.equal(((await nr.admin('POST', '/secret-sync/sync')).body as { state: string }).state, 'ok');
    const good = nr.globalContext.SECRETS;
    assert.notEqual(good, before);
    const seen = (await nr.endpoint('/first')).body as Seen;
    assert.deepEqual([seen.value, seen.viaPath, seen.keys, seen.frozen, seen.nullPrototype], [value, value, ['my_api_token'], true, true]);

    proxy.setFallback({ kind: 'reset' });
    assert.equal(((await nr.admin('POST', '/secret-sync/sync')).body as { state: string }).state, 'error');
    assert.equal(nr.globalContext.SECRETS, good, 'the last good secrets stay');
  });
});
