// Node-RED with missing or invalid Secret Sync configuration keeps running and says which field to fix.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { eventually } from '../helpers/node-red';
import { spawnNodeRed } from '../helpers/node-red-child';
import { probeFlows } from '../fixtures/probe-flows';

interface Status {
  state: string;
  error: { code: string; message: string } | null;
  space: string | null;
  interval: string;
}

async function statusWith(settings: Record<string, unknown>, env: Record<string, string> = {}, withoutGlobalContext = false): Promise<{ status: Status; flowsRun: boolean; logs: string }> {
  const nr = await spawnNodeRed({ flows: probeFlows(), settings, withoutGlobalContext }, env);
  let status: Status;
  let flowsRun: boolean;
  try {
    status = (await nr.admin('GET', '/secret-sync/status')).body as Status;
    // RED.start() resolves before the flows have started: give them a moment.
    flowsRun = await eventually(async () => (await nr.admin('GET', '/api/probe')).status === 200, 5_000, 'flows').catch(() => false);
  } finally {
    await nr.stop();
  }
  return { status, flowsRun, logs: nr.logs.map((l) => l.msg).join('\n') };
}

describe('integration: configuration problems never stop Node-RED', function () {
  this.timeout(60_000);

  it('no configuration at all: unconfigured, flows still run', async () => {
    const { status, flowsRun, logs } = await statusWith({});
    assert.equal(status.state, 'unconfigured');
    assert.equal(status.error?.code, 'not_configured');
    assert.match(status.error?.message ?? '', /SECRET_SYNC_URL/);
    assert.ok(flowsRun);
    assert.match(logs, /\[secret-sync\] unconfigured/);
  });

  it('a missing field: unconfigured, naming the field and its variable', async () => {
    const { status } = await statusWith({ secretSync: { url: 'http://127.0.0.1:9', space: 'demo' } });
    assert.equal(status.state, 'unconfigured');
    assert.equal(status.space, 'demo');
    assert.match(status.error?.message ?? '', /secretSync\.token \(SECRET_SYNC_TOKEN\)/);
  });

  it('an invalid interval in settings.js: error naming secretSync.interval', async () => {
    const { status, flowsRun } = await statusWith({ secretSync: { url: 'http://127.0.0.1:9', space: 'demo', token: 't', interval: 'hourly' } });
    assert.equal(status.state, 'error');
    assert.equal(status.error?.code, 'config_invalid');
    assert.match(status.error?.message ?? '', /secretSync\.interval \(SECRET_SYNC_INTERVAL\) must be one of/);
    assert.ok(flowsRun);
  });

  it('an invalid URL from the environment wins over settings.js and is named', async () => {
    const { status } = await statusWith({ secretSync: { url: 'http://127.0.0.1:9', space: 'demo', token: 't' } }, { SECRET_SYNC_URL: 'ftp://nope' });
    assert.equal(status.state, 'error');
    assert.match(status.error?.message ?? '', /secretSync\.url \(SECRET_SYNC_URL\) must be an http/);
  });

  it('settings.js without functionGlobalContext: error saying exactly what to add', async () => {
    const { status, flowsRun } = await statusWith({ secretSync: { url: 'http://127.0.0.1:9', space: 'demo', token: 't' } }, {}, true);
    assert.equal(status.state, 'error');
    assert.equal(status.error?.code, 'settings_missing');
    assert.match(status.error?.message ?? '', /add `functionGlobalContext: \{\},` to settings\.js/);
    assert.ok(flowsRun);
  });

  it('an invalid vault setting: error naming the field, not a crash', async () => {
    const { status, flowsRun } = await statusWith({ secretSync: { provider: 'vault', url: 'http://127.0.0.1:9', space: 'demo', token: 't', vault: { layout: 'nested' } } });
    assert.equal(status.state, 'error');
    assert.equal(status.error?.code, 'config_invalid');
    assert.match(status.error?.message ?? '', /secretSync\.vault\.layout \(SECRET_SYNC_VAULT_LAYOUT\)/);
    assert.ok(flowsRun);
  });

  it('empty SECRET_SYNC_VAULT_MOUNT= and SECRET_SYNC_VAULT_PATH_PREFIX= keep the settings.js mount and prefix', async () => {
    // A stand-in for OpenBao that records the paths it is asked for (and answers 404, an error the status shows).
    const paths: string[] = [];
    const bao = http.createServer((req, res) => {
      paths.push(req.url ?? '');
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"errors":[]}');
    });
    await new Promise<void>((done) => bao.listen(0, '127.0.0.1', done));
    try {
      const url = `http://127.0.0.1:${(bao.address() as AddressInfo).port}`;
      const settings = { secretSync: { provider: 'vault', url, space: 'demo', token: 't', interval: 'off', vault: { mount: 'kv', pathPrefix: 'teams', layout: 'entry' } } };
      const { status } = await statusWith(settings, { SECRET_SYNC_VAULT_MOUNT: '', SECRET_SYNC_VAULT_PATH_PREFIX: '', SECRET_SYNC_VAULT_LAYOUT: '', SECRET_SYNC_SPACE: '', SECRET_SYNC_INTERVAL: '' });
      assert.equal(status.space, 'demo');
      assert.equal(status.interval, 'off');
      const reads = paths.filter((p) => !p.startsWith('/v1/auth/'));
      assert.ok(reads.length > 0, `the provider read the space: ${paths.join(', ')}`);
      for (const path of reads) assert.match(path, /^\/v1\/kv\/(data|metadata)\/teams\/demo(\/|\?|$)/, path);
    } finally {
      bao.closeAllConnections();
      await new Promise<void>((done) => bao.close(() => done()));
    }
  });
});
