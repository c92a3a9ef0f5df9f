// `npm start`: runs the whole product on one machine: the embedded Secret Manager (seeded demo space) and Node-RED with the plugin.
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, relative, resolve } from 'node:path';
import express from 'express';
import { DEFAULT_PORT, MANAGER_ACTOR, startServer } from 'secret-sync-manager';
import type { RunningServer } from 'secret-sync-manager';
import type { EmbeddedNodeRed } from './embedded-node-red';

const ROOT = resolve(__dirname, '../..');
/** Where the demo keeps its data: `.data` in the repository, or `SECRET_SYNC_DEMO_DIR` (the first-start test uses a temp directory). */
const DATA = process.env.SECRET_SYNC_DEMO_DIR ? resolve(process.env.SECRET_SYNC_DEMO_DIR) : join(ROOT, '.data');
const DEMO_SPACE = 'demo';
const DEMO_FLOW = join(ROOT, 'examples', '01 - Use a secret in a function node.json');

/** `path` as short as it can be printed: relative to where npm start was run when it is inside it. */
function shown(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel === '' || rel.startsWith('..') ? path : rel;
}

/** Fills the demo space on first start only, so later edits made with the CLI survive a restart. */
function seedDemo(server: RunningServer): void {
  if (server.secrets.list({ kind: 'space', space: DEMO_SPACE }).length > 0) return;
  const space = { kind: 'space', space: DEMO_SPACE } as const;
  server.secrets.create(space, { name: 'my_api_token', value: 'demo-token-not-a-real-secret', description: 'Token for the example flow' }, MANAGER_ACTOR);
  server.secrets.create(space, { name: 'WEATHER_API_KEY', value: 'demo-weather-key', description: 'Example API key' }, MANAGER_ACTOR);
  server.secrets.create(space, { name: 'MQTT_BROKER', value: { username: 'demo-user', password: 'demo-password' }, description: 'A multi-pair secret' }, MANAGER_ACTOR);
  server.secrets.create({ kind: 'org' }, { name: 'SUPPORT_EMAIL', value: 'support@example.com', description: 'Visible in every space' }, MANAGER_ACTOR);
}

/** Issues the read token the Node-RED side uses, once, into a 0600 file. */
function ensureReadToken(server: RunningServer): string {
  const file = join(DATA, 'node-red.token');
  if (!existsSync(file)) {
    const { token } = server.tokens.create({ role: 'read', space: DEMO_SPACE, description: 'npm start demo' }, MANAGER_ACTOR);
    writeFileSync(file, token + '\n', { mode: 0o600 });
  }
  return file;
}

async function startNodeRed(managerUrl: string, tokenFile: string): Promise<{ url: string; stop(): Promise<void> }> {
  const userDir = join(DATA, 'node-red');
  mkdirSync(userDir, { recursive: true, mode: 0o700 });
  const flowFile = join(userDir, 'flows.json');
  if (!existsSync(flowFile)) copyFileSync(DEMO_FLOW, flowFile);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const RED = require('node-red') as EmbeddedNodeRed;
  const app = express();
  const server = http.createServer(app);
  RED.init(server, {
    userDir,
    flowFile,
    nodesDir: [ROOT],
    uiHost: '127.0.0.1',
    httpAdminRoot: '/',
    httpNodeRoot: '/api',
    credentialSecret: false,
    functionGlobalContext: {},
    logging: { console: { level: 'info', metrics: false, audit: false } },
    editorTheme: { tours: false },
    // A demo starts ready to use: no "Enable Update Notifications" prompt over the example flow, and
    // no call home (README, "Quick start on a fresh machine"). User Settings can still turn it on.
    telemetry: { enabled: false, updateNotification: false },
    secretSync: { url: managerUrl, space: DEMO_SPACE, tokenFile, interval: '60m', syncOnDeploy: true },
  });
  app.use('/', RED.httpAdmin);
  app.use('/api', RED.httpNode);
  const port = Number(process.env.PORT ?? 1880);
  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen(port, '127.0.0.1', () => done());
  });
  await RED.start();
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    stop: async () => {
      await RED.stop();
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}

async function main(): Promise<void> {
  mkdirSync(DATA, { recursive: true, mode: 0o700 });
  const manager = await startServer({ dataDir: join(DATA, 'manager'), port: Number(process.env.SECRET_MANAGER_PORT ?? DEFAULT_PORT) });
  seedDemo(manager);
  const tokenFile = ensureReadToken(manager);
  let nodeRed: { url: string; stop(): Promise<void> };
  try {
    nodeRed = await startNodeRed(manager.url, tokenFile);
  } catch (err) {
    await manager.close();
    throw err;
  }
  process.stdout.write(
    [
      '',
      `Node-RED editor:  ${nodeRed.url}   (flows read global.SECRETS of space '${DEMO_SPACE}')`,
      `Secret Manager:   ${manager.url}   (data in ${shown(join(DATA, 'manager'))})`,
      `Web console:      ${manager.url}/   sign in with the admin token in ${join(DATA, 'manager', 'admin.token')}`,
      `Change a secret:  echo -n new-value | npx secret-manager --data-dir ${shown(join(DATA, 'manager'))} --url ${manager.url} secret update my_api_token --space ${DEMO_SPACE} --value-stdin`,
      'Press Ctrl-C to stop.',
      '',
    ].join('\n'),
  );
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    process.stdout.write('\nStopping…\n');
    void nodeRed
      .stop()
      .then(() => manager.close())
      .then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err: unknown) => {
  const code = (err as { code?: string }).code;
  process.stderr.write(`npm start failed: ${err instanceof Error ? err.message : String(err)}${code ? ` [${code}]` : ''}\n`);
  process.exit(1);
});
