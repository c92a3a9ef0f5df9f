// `npm start`: runs the whole product on one machine with the embedded Secret Manager and a seeded demo space.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DEFAULT_PORT, startServer } from 'secret-sync-manager';
import type { RunningServer } from 'secret-sync-manager';

const ROOT = resolve(__dirname, '../..');
const DATA = join(ROOT, '.data');
const DEMO_SPACE = 'demo';

/** Fills the demo space on first start only, so later edits made with the CLI survive a restart. */
function seedDemo(server: RunningServer): void {
  if (server.secrets.list({ kind: 'space', space: DEMO_SPACE }).length > 0) return;
  const space = { kind: 'space', space: DEMO_SPACE } as const;
  server.secrets.create(space, { name: 'my_api_token', value: 'demo-token-not-a-real-secret', description: 'Token for the example HTTP flow' });
  server.secrets.create(space, { name: 'WEATHER_API_KEY', value: 'demo-weather-key', description: 'Example API key' });
  server.secrets.create(space, {
    name: 'MQTT_BROKER',
    value: { username: 'demo-user', password: 'demo-password' },
    description: 'A multi-pair secret',
  });
  server.secrets.create({ kind: 'org' }, { name: 'SUPPORT_EMAIL', value: 'support@example.com', description: 'Visible in every space' });
}

/** Issues the read token the Node-RED side uses, once, into a 0600 file. */
function ensureReadToken(server: RunningServer): string {
  const file = join(DATA, 'node-red.token');
  if (!existsSync(file)) {
    const { token } = server.tokens.create({ role: 'read', space: DEMO_SPACE, description: 'npm start demo' });
    writeFileSync(file, token + '\n', { mode: 0o600 });
  }
  return file;
}

async function main(): Promise<void> {
  mkdirSync(DATA, { recursive: true, mode: 0o700 });
  const port = Number(process.env.SECRET_MANAGER_PORT ?? DEFAULT_PORT);
  const manager = await startServer({ dataDir: join(DATA, 'manager'), port });
  seedDemo(manager);
  const tokenFile = ensureReadToken(manager);
  process.stdout.write(
    [
      '',
      `Secret Manager:  ${manager.url}  (space '${DEMO_SPACE}', data in .data/manager)`,
      `Read token:      ${tokenFile}`,
      `Manage secrets:  npx secret-manager --data-dir .data/manager --url ${manager.url} secret list --space ${DEMO_SPACE}`,
      'Press Ctrl-C to stop.',
      '',
    ].join('\n'),
  );
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    void manager.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err: unknown) => {
  const code = (err as { code?: string }).code;
  process.stderr.write(`npm start failed: ${err instanceof Error ? err.message : String(err)}${code ? ` [${code}]` : ''}\n`);
  process.exit(1);
});
