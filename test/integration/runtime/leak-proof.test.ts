// Canary tests in a real Node-RED (adminAuth, non-root httpAdminRoot): no secret in any form reaches logs, console, comms or the context API.
import assert from 'node:assert/strict';
import { adminAuthSettings, login } from '../../helpers/admin-auth';
import { openComms } from '../../helpers/comms';
import type { TestComms } from '../../helpers/comms';
import { rawRequest } from '../../helpers/http';
import { findLeak } from '../../helpers/leaks';
import { canary, startTestManager } from '../../helpers/manager';
import type { TestManager } from '../../helpers/manager';
import { eventually, startNodeRed } from '../../helpers/node-red';
import type { TestNodeRed } from '../../helpers/node-red';
import { nodeRed } from '../../helpers/node-red-version';
import { PRINT_TAB, printFlows } from '../../fixtures/print-flows';
import { CONTEXT_SPELLINGS } from '../../fixtures/context-spellings';

// Node-RED's own modules (of the copy under test), to check what the plugin changed in them and undid.
const util = nodeRed.require('@node-red/util') as {
  log: { log: unknown };
  events: { listenerCount(event: string): number };
  hooks: { has(name: string): boolean };
};
const RED = nodeRed.require(nodeRed.packageName) as { httpAdmin: { _router: { stack: { name: string }[] } } };
const runtime = nodeRed.require('@node-red/runtime') as { httpAdmin: { _router: { stack: { route?: { path?: unknown } }[] } } };
const M = '••••••••';
const ROOT = '/red-admin';
/** A Node-RED console line: `24 Nov 18:43:27 - [warn] …`. */
const CONSOLE_LINE = /^\d{1,2} \w{3} \d\d:\d\d:\d\d - \[/;

describe('integration: leak-proof masking in a real Node-RED runtime', function () {
  this.timeout(30_000);
  const apiToken = `tok "q"/ ${canary('api')}`;
  const pemLines = [canary('pem-line-one'), canary('pem-line-two')];
  const pem = ['-----BEGIN TEST KEY-----', ...pemLines, '-----END TEST KEY-----'].join('\n');
  const password = canary('login-pass');
  const values = [apiToken, pem, password];
  const pairs = [['bob', password]] as const;
  let manager: TestManager;
  let nr: TestNodeRed;
  let port: number;
  const tokens: Record<'admin' | 'reader', string> = { admin: '', reader: '' };
  const comms: TestComms[] = [];
  const consoleText: string[] = [];
  const writes = { stdout: process.stdout.write, stderr: process.stderr.write };

  let stopped = false;
  const originalLog = util.log.log;
  // The names of the layers at the front of the editor's admin app (where the context guard sits).
  const adminLayers = (): string[] => RED.httpAdmin._router.stack.slice(0, 5).map((layer) => layer.name);
  // The routes the plugin added to the runtime's admin app (where plugins register routes).
  const pluginRoutes = (): string[] =>
    runtime.httpAdmin._router.stack.flatMap((layer) => (typeof layer.route?.path === 'string' && layer.route.path.startsWith('/secret-sync') ? [layer.route.path] : []));
  const leakIn = (text: string): string | undefined => findLeak(text, values, pairs);

  before(async () => {
    manager = await startTestManager();
    const space = '/v1/spaces/demo/secrets';
    await manager.api('POST', space, { body: { name: 'API_TOKEN', value: apiToken } });
    await manager.api('POST', space, { body: { name: 'PEM', value: pem } });
    await manager.api('POST', space, { body: { name: 'LOGIN', value: { user: 'bob', password } } });
    await manager.api('POST', space, { body: { name: 'SHORT', value: 'abc' } });
    // Node-RED's console handler writes through process.stdout: keep its lines to search, pass the rest (mocha) on.
    for (const stream of ['stdout', 'stderr'] as const) {
      const original = writes[stream];
      process[stream].write = ((chunk: unknown, ...rest: unknown[]): boolean => {
        const text = String(chunk);
        if (CONSOLE_LINE.test(text)) {
          consoleText.push(text);
          return true;
        }
        return (original as (...args: unknown[]) => boolean).call(process[stream], chunk, ...rest);
      });
    }
    nr = await startNodeRed({
      flows: printFlows(),
      consoleLevel: 'trace',
      settings: {
        httpAdminRoot: ROOT,
        adminAuth: adminAuthSettings(),
        contextStorage: { default: { module: 'memory' }, file: { module: 'localfilesystem', config: { flushInterval: 0 } } },
        secretSync: { url: manager.url, space: 'demo', token: await manager.readToken('demo'), interval: 'off', syncOnDeploy: false },
      },
    });
    port = Number(new URL(nr.url).port);
    tokens.admin = await login(nr.adminUrl, 'admin');
    tokens.reader = await login(nr.adminUrl, 'reader');
    const topics = ['debug', 'status/#', 'notification/#', 'event-log/#', 'secret-sync/#'];
    for (const user of ['admin', 'reader'] as const) comms.push(await openComms(nr.adminUrl, tokens[user], topics));
  });

  after(async () => {
    for (const c of comms) c.close();
    if (!stopped) await nr?.stop();
    await manager?.stop();
    process.stdout.write = writes.stdout;
    process.stderr.write = writes.stderr;
  });

  it('names the keys too short to mask in the status', async () => {
    const status = (await nr.admin('GET', '/secret-sync/status', { token: tokens.reader })).body as { state: string; unmaskedKeys: string[] };
    assert.equal(status.state, 'ok');
    assert.deepEqual(status.unmaskedKeys, ['LOGIN.user', 'SHORT']);
  });

  describe('everything a flow prints', () => {
    before(async () => {
      for (const id of ['print-inject', 'throw-inject', 'async-inject', 'caught-inject']) {
        const res = await nr.admin('POST', `/inject/${id}`, { token: tokens.admin });
        assert.equal(res.status, 200, id);
      }
      const logText = (): string => nr.logs.map((l) => l.msg).join('\n');
      await eventually(() => logText().includes(`async ${M}`) && logText().includes(`basic Basic ${M}`), 5_000, 'the printed log lines');
      await eventually(() => comms.every((c) => ['catch-debug', 'status-debug', 'print-debug-status'].every((id) => c.frames.some((f) => f.includes(id)))), 5_000, 'debug frames');
    });

    it('masks node warn, error, log, debug and trace, and thrown errors, in every log handler (console included)', () => {
      const logText = nr.logs.map((l) => l.msg).join('\n');
      for (const line of ['warn', 'error', 'log', 'debug', 'trace', 'thrown', 'async']) assert.ok(logText.includes(`${line} ${M}`), `log line "${line}" masked`);
      assert.ok(consoleText.join('').includes(`warn ${M}`), 'the console handler printed the masked line');
      assert.equal(leakIn(logText), undefined, `a log line leaks ${leakIn(logText)}`);
      assert.equal(leakIn(consoleText.join('')), undefined, `the console leaks ${leakIn(consoleText.join(''))}`);
    });

    it('masks base64 at every offset, URI-encoded, JSON-escaped, per-line and HTTP Basic forms', () => {
      const logText = nr.logs.map((l) => l.msg).join('\n');
      for (const form of ['b64-0', 'b64-1', 'b64-2', 'uri', 'json', 'line', 'basic']) {
        const line = nr.logs.find((l) => l.msg.startsWith(`${form} `));
        assert.ok(line?.msg.includes(M), `${form}: ${line?.msg}`);
      }
      assert.equal(leakIn(logText), undefined);
    });

    it('masks the debug sidebar, node status frames and catch/status node messages, for admin and read-only editors alike', () => {
      for (const c of comms) {
        const all = c.frames.join('\n');
        assert.ok(all.includes(`status ${M}`), 'the status frame of print-fn is masked');
        assert.ok(all.includes(`caught ${M}`), 'the catch node message is masked');
        assert.ok(c.frames.some((f) => f.includes('"topic":"debug"') && f.includes('print-debug') && f.includes(M)), 'the debug message is masked');
        assert.equal(leakIn(all), undefined, `a comms frame leaks ${leakIn(all)}`);
      }
    });

    it('masks copies a flow made into global and flow context', async () => {
      for (const path of ['/context/global/copy', `/context/flow/${PRINT_TAB}/flowcopy`, '/context/global', `/context/flow/${PRINT_TAB}`]) {
        const res = await nr.admin('GET', path, { token: tokens.reader });
        assert.equal(res.status, 200, path);
        assert.ok(res.text.includes(M), `${path}: ${res.text}`);
        assert.equal(leakIn(res.text), undefined, path);
      }
    });
  });

  describe(`the context API, ${CONTEXT_SPELLINGS.length} spellings × 2 users`, () => {
    it('never answers a value, and answers masks wherever Node-RED reaches the context', async () => {
      const reached: string[] = [];
      const wrong: string[] = [];
      for (const spelling of CONTEXT_SPELLINGS) {
        for (const user of ['reader', 'admin'] as const) {
          const method = spelling.method ?? 'GET';
          const res = await rawRequest(port, method, spelling.path.replaceAll('{root}', ROOT), { authorization: `Bearer ${tokens[user]}` });
          const where = `${method} ${spelling.path} as ${user} (HTTP ${res.status}: ${res.text.slice(0, 80)})`;
          assert.equal(leakIn(res.text), undefined, `${where} leaks ${leakIn(res.text)}`);
          const got =
            res.status >= 400 ? 'refused'
            : method === 'HEAD' ? 'masked'
            : res.text.includes(M) ? 'masked'
            : /"keys":/.test(res.text) ? 'names'
            : res.text === '{}' || res.text.includes('"format":"undefined"') ? 'nothing'
            : 'other';
          if (got !== spelling.expect) wrong.push(`${where}: expected ${spelling.expect}, got ${got}`);
          if (res.status === 200 && user === 'reader') reached.push(spelling.path);
        }
      }
      assert.deepEqual(wrong, []);
      process.stdout.write(`      ${reached.length} of ${CONTEXT_SPELLINGS.length} spellings reached the context API; none answered a value\n`);
    });
  });

  describe('stop', () => {
    it('undoes everything it added: the log module, the event listeners, the debug hook and the context guard', async () => {
      const running = { log: util.log.log, comms: util.events.listenerCount('comms'), status: util.events.listenerCount('node-status') };
      assert.notEqual(running.log, originalLog, 'while running, log lines go through the mask');
      assert.ok(util.hooks.has('preDeliver.secret-sync'));
      assert.ok(adminLayers().includes('guard'));
      assert.ok(pluginRoutes().includes('/secret-sync/status'));
      await nr.stop();
      stopped = true;
      assert.equal(util.log.log, originalLog);
      assert.equal(util.events.listenerCount('comms'), running.comms - 1);
      assert.equal(util.events.listenerCount('node-status'), running.status - 1);
      assert.ok(!util.hooks.has('preDeliver.secret-sync'));
      assert.ok(!adminLayers().includes('guard'));
      assert.deepEqual(pluginRoutes(), [], 'the admin API routes are gone');
    });
  });
});
