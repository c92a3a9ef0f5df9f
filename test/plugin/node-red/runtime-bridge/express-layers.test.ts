// Tests for src/plugin/node-red/runtime-bridge/express-layers.ts and context-guard.ts on real Express 4 (Node-RED's) and Express 5 apps: front middleware, removable routes, the context guard.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express4 from 'express';
import { asExpressApp, prependMiddleware, removableRoutes, routerStack } from '../../../../src/plugin/node-red/runtime-bridge/express-layers';
import { guardContextApi } from '../../../../src/plugin/node-red/runtime-bridge/context-guard';
import { nextPublication, EMPTY_PUBLICATION } from '../../../../src/plugin/core/publication';
import { EMPTY_SNAPSHOT, nextSnapshot } from '../../../../src/plugin/core/snapshot';
import { request } from '../../../helpers/http';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const express5 = require('express5') as typeof express4;

const M = '••••••••';

for (const [version, express, contextRoute] of [
  ['4', express4, '/context/:scope(global)/*'],
  ['5', express5, '/context/:scope/*key'],
] as const) {
  describe(`plugin/node-red/runtime-bridge/express-layers on Express ${version}`, () => {
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

    it('is running the Express it says', () => {
      // Express 5 keeps its router at app.router; Express 4 at app._router (and app.router throws).
      assert.equal(Array.isArray((app as unknown as { _router?: { stack?: unknown } })._router?.stack), version === '4');
    });

    it('recognises an Express app and nothing else', () => {
      assert.ok(asExpressApp(app));
      assert.ok(routerStack(app)?.length);
      assert.equal(asExpressApp(() => undefined), undefined);
      assert.equal(asExpressApp({ use: () => undefined }), undefined);
    });

    it('runs a prepended middleware before routes registered earlier, for any spelling, and removes it', async () => {
      const seen: string[] = [];
      const undo = prependMiddleware(asExpressApp(app)!, (req: express4.Request, _res: express4.Response, next: () => void) => {
        seen.push(req.url);
        next();
      });
      assert.ok(undo);
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
      assert.ok(undo);
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
      assert.ok(undo);
      assert.equal((await request('GET', `${url}/fresh/x`)).status, 200);
      undo();
      assert.equal((await request('GET', `${url}/fresh/x`)).status, 404);
    });

    it('guards a context route at the front of the admin app (never skipped), masking SECRETS by the route the router matched, and removes the guard', async () => {
      const admin = express();
      // Like Node-RED's context handler: answers the value at the key path the route extracted.
      const values: Record<string, unknown> = { plain: 'hello', copy: 'tok-value-12345' };
      admin.get(contextRoute, (req, res) => {
        const params = req.params as Record<string, unknown>;
        const key = typeof params[0] === 'string' ? params[0] : (params.key as string[]).join('/');
        res.json({ msg: JSON.stringify(values[key] ?? 'real-secret-value'), format: 'string' });
      });
      const sub = express();
      sub.use('/admin', admin);
      app.use(sub);
      const publication = await nextPublication(EMPTY_PUBLICATION, nextSnapshot({ TOKEN: 'tok-value-12345' }, EMPTY_SNAPSHOT), 1);
      const undo = guardContextApi([admin], () => publication, (key) => key.split('.'));
      assert.ok(undo, `the guard is installed on Express ${version}`);
      const read = async (key: string): Promise<string> => (await request('GET', `${url}/admin/context/global/${key}`)).text;
      assert.match(await read('SECRETS.TOKEN'), new RegExp(M));
      assert.doesNotMatch(await read('SECRETS.TOKEN'), /real-secret-value/);
      assert.doesNotMatch(await read('copy'), /tok-value-12345/, 'a copy elsewhere is masked by value');
      assert.match(await read('plain'), /hello/);
      undo();
      assert.match(await read('SECRETS.TOKEN'), /real-secret-value/, 'gone after the undo');
    });
  });
}
