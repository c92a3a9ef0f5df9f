// Tests for src/plugin/node-red/express-layers.ts on a real Express 4 app (the one Node-RED uses): front middleware and removable routes.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { asExpressApp, prependMiddleware, removableRoutes } from '../../../src/plugin/node-red/express-layers';
import { request } from '../../helpers/http';

describe('plugin/node-red/express-layers', () => {
  let server: http.Server;
  let url: string;
  const app = express();
  app.get('/existing', (_req, res) => res.json({ from: 'existing' }));

  before(async () => {
    server = http.createServer(app);
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((done) => server.close(() => done())));

  it('recognises an Express app and nothing else', () => {
    assert.ok(asExpressApp(app));
    assert.equal(asExpressApp(() => undefined), undefined);
    assert.equal(asExpressApp({ use: () => undefined }), undefined);
  });

  it('runs a prepended middleware before routes registered earlier, for any spelling, and removes it', async () => {
    const seen: string[] = [];
    const undo = prependMiddleware(asExpressApp(app)!, (req: express.Request, _res: express.Response, next: () => void) => {
      seen.push(req.url);
      next();
    });
    assert.equal((await request('GET', `${url}/existing`)).status, 200);
    assert.equal((await request('GET', `${url}//EXISTING`)).status, 404);
    assert.deepEqual(seen, ['/existing', '//EXISTING']);
    undo();
    await request('GET', `${url}/existing`);
    assert.equal(seen.length, 2, 'gone after the undo');
  });

  it('removes exactly the routes a registration added', async () => {
    const undo = removableRoutes(app, () => {
      app.get('/added', (_req, res) => res.json({ ok: true }));
      app.post('/added', (_req, res) => res.json({ ok: true }));
    });
    assert.equal((await request('GET', `${url}/added`)).status, 200);
    undo();
    assert.equal((await request('GET', `${url}/added`)).status, 404);
    assert.equal((await request('POST', `${url}/added`)).status, 404);
    assert.equal((await request('GET', `${url}/existing`)).status, 200, 'routes from before stay');
  });

  it('removes routes of an app whose router did not exist before', async () => {
    const fresh = express();
    app.use('/fresh', fresh);
    const undo = removableRoutes(fresh, () => fresh.get('/x', (_req, res) => res.json({ ok: true })));
    assert.equal((await request('GET', `${url}/fresh/x`)).status, 200);
    undo();
    assert.equal((await request('GET', `${url}/fresh/x`)).status, 404);
  });
});
