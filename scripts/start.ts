// `npm start`: runs the whole product on one machine: the embedded Secret Manager (seeded demo space) and Node-RED with the plugin.
import { createCipheriv, createHash, randomBytes } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, relative, resolve } from 'node:path';
import express from 'express';
import { DEFAULT_PORT, MANAGER_ACTOR, startServer } from 'secret-sync-manager';
import type { RunningServer } from 'secret-sync-manager';
import type { EmbeddedNodeRed } from './embedded-node-red';

const ROOT = resolve(__dirname, '../..');
/** Where the demo keeps its data: `.data` in the repository, or `SECRET_SYNC_DEMO_DIR` (the first-start test uses a temp directory). */
const DATA = process.env.SECRET_SYNC_DEMO_DIR?.trim() ? resolve(process.env.SECRET_SYNC_DEMO_DIR) : join(ROOT, '.data');
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

/** `text` into `file`, readable by this user only (also when the file was there before with other rights). */
function writePrivate(file: string, text: string): void {
  writeFileSync(file, text, { mode: 0o600 });
  chmodSync(file, 0o600);
}

/** The text of `file`, trimmed, or '' when there is none. */
function readTrimmed(file: string): string {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    return '';
  }
}

/**
 * The read token the Node-RED side uses, in a 0600 file: kept across restarts
 * while the manager still accepts it for the demo space; a token revoked in the
 * console (or lost with a reset data directory) is replaced by a new one, so
 * the demo never stays broken (README, "Quick start on a fresh machine").
 */
function ensureReadToken(server: RunningServer): string {
  const file = join(DATA, 'node-red.token');
  const kept = readTrimmed(file);
  const record = kept === '' ? null : server.tokens.authenticate(kept);
  if (record?.role === 'read' && record.space === DEMO_SPACE) return file;
  const { token } = server.tokens.create({ role: 'read', space: DEMO_SPACE, description: 'npm start demo' }, MANAGER_ACTOR);
  writePrivate(file, token + '\n');
  if (kept !== '') process.stdout.write(`The demo's read token was revoked or is unknown to the Secret Manager: issued a new one into ${shown(file)}\n`);
  return file;
}

/**
 * The key Node-RED encrypts flows_cred.json with: generated once, kept in a
 * 0600 file of the demo's data directory and never printed, so the demo keeps
 * no credential in clear and Node-RED has no "unencrypted credentials" to warn about.
 */
function credentialSecret(): string {
  const file = join(DATA, 'node-red.credential-secret');
  const kept = readTrimmed(file);
  if (kept !== '') return kept;
  const secret = randomBytes(32).toString('hex');
  writePrivate(file, secret + '\n');
  return secret;
}

/**
 * An empty credentials file encrypted with `secret`, in Node-RED's format
 * (`{"$": hex IV + base64 AES-256-CTR of the JSON}`, key = SHA-256 of the
 * secret). Without a credentials file Node-RED warns "Encrypted credentials
 * not found" at every start until a node has credentials.
 */
function emptyCredentials(secret: string): string {
  const iv = randomBytes(16);
  const cipher = createCipheriv('aes-256-ctr', createHash('sha256').update(secret).digest(), iv);
  return JSON.stringify({ $: iv.toString('hex') + cipher.update('{}', 'utf8', 'base64') + cipher.final('base64') });
}

/** A port from the environment: unset or empty means `fallback` (`0` picks a free one). */
function portFrom(name: string, fallback: number): number {
  const value = process.env[name]?.trim();
  return value === undefined || value === '' ? fallback : Number(value);
}

async function startNodeRed(managerUrl: string, tokenFile: string): Promise<{ url: string; stop(): Promise<void> }> {
  const userDir = join(DATA, 'node-red');
  mkdirSync(userDir, { recursive: true, mode: 0o700 });
  const flowFile = join(userDir, 'flows.json');
  if (!existsSync(flowFile)) copyFileSync(DEMO_FLOW, flowFile);
  const secret = credentialSecret();
  const credFile = join(userDir, 'flows_cred.json');
  if (!existsSync(credFile)) writePrivate(credFile, emptyCredentials(secret));
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
    credentialSecret: secret,
    functionGlobalContext: {},
    logging: { console: { level: 'info', metrics: false, audit: false } },
    // Nothing leaves this machine (README, "Quick start on a fresh machine"): no palette catalogue
    // fetched as the editor loads (Node-RED's default is catalogue.nodered.org), no "Enable Update
    // Notifications" prompt over the example flow and no call home. User Settings can turn them on.
    editorTheme: { tours: false, palette: { catalogues: [] } },
    telemetry: { enabled: false, updateNotification: false },
    secretSync: { url: managerUrl, space: DEMO_SPACE, tokenFile, interval: '60m', syncOnDeploy: true },
  });
  app.use('/', RED.httpAdmin);
  app.use('/api', RED.httpNode);
  const port = portFrom('PORT', 1880);
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
  const manager = await startServer({ dataDir: join(DATA, 'manager'), port: portFrom('SECRET_MANAGER_PORT', DEFAULT_PORT) });
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
