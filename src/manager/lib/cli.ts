// The `secret-manager` command line: `serve`, `export`, and `secret` / `token` subcommands that call a running server.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import { callApi } from './cli-client';
import { backupCommand, restoreCommand, rotateCommand } from './cli-operations';
import type { ClientOptions } from './cli-client';
import { ManagerError } from './errors';
import { baoScript, kvWrites, readAllScopes } from './export';
import { kekSettingsFromEnv } from './kek/transit';
import { createLogger, parseLogFormat, parseLogLevel } from './logger';
import { DEFAULT_PORT, startServer } from './server';
import type { SecretMeta } from './secret-store';
import type { TokenRecord } from './token-store';

interface GlobalOptions {
  url: string;
  dataDir: string;
  tokenFile?: string;
  json?: boolean;
}

interface ScopeOptions {
  space?: string;
  org?: boolean;
}

interface ValueOptions {
  value?: string;
  valueStdin?: boolean;
  field?: string[];
  description?: string;
}

const DEFAULT_DATA_DIR = './secret-manager-data';

function clientOf(cmd: Command): ClientOptions {
  const opts = cmd.optsWithGlobals<GlobalOptions>();
  return {
    url: opts.url,
    token: process.env.SECRET_MANAGER_TOKEN,
    tokenFile: opts.tokenFile ?? join(opts.dataDir, 'admin.token'),
  };
}

function scopePath(opts: ScopeOptions): string {
  if (opts.org && opts.space !== undefined) throw new ManagerError('invalid_scope', 400, 'Give either --space or --org, not both');
  if (opts.org) return '/v1/org/secrets';
  if (opts.space === undefined) throw new ManagerError('invalid_scope', 400, 'Give --space NAME or --org');
  return `/v1/spaces/${encodeURIComponent(opts.space)}/secrets`;
}

function readValue(opts: ValueOptions): unknown {
  const given = [opts.value !== undefined, opts.valueStdin === true, (opts.field ?? []).length > 0].filter(Boolean).length;
  if (given > 1) throw new ManagerError('invalid_value', 400, 'Give only one of --value, --value-stdin and --field');
  if (opts.value !== undefined) return opts.value;
  // A trailing newline comes from `echo` or a file editor, not from the secret.
  if (opts.valueStdin) return readFileSync(0, 'utf8').replace(/\r?\n$/, '');
  if (opts.field && opts.field.length > 0) {
    const pairs: Record<string, string> = {};
    for (const field of opts.field) {
      const eq = field.indexOf('=');
      if (eq <= 0) throw new ManagerError('invalid_value', 400, `--field takes key=value, got '${field.split('=')[0] ?? ''}…'`);
      pairs[field.slice(0, eq)] = field.slice(eq + 1);
    }
    return pairs;
  }
  return undefined;
}

function print(json: boolean | undefined, data: unknown, text: string): void {
  process.stdout.write(json ? JSON.stringify(data, null, 2) + '\n' : text);
}

function table(rows: string[][]): string {
  if (rows.length <= 1) return '(none)\n';
  const widths = (rows[0] as string[]).map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd()).join('\n') + '\n';
}

function addScopeOptions(cmd: Command): Command {
  return cmd.option('--space <space>', 'a space').option('--org', 'the organization scope (visible in every space)');
}

function addValueOptions(cmd: Command): Command {
  return cmd
    .option('--value <value>', 'the value (prefer --value-stdin: arguments show up in shell history)')
    .option('--value-stdin', 'read the value from standard input')
    .option('--field <key=value...>', 'a pair of a multi-pair secret (repeat for more)')
    .option('--description <text>', 'a description');
}

// The given ones of `serve`'s count options, each a whole number of at least 1.
function countOptions<K extends string>(given: Record<K, string | undefined>): Partial<Record<K, number>> {
  const counts: Partial<Record<K, number>> = {};
  for (const [key, text] of Object.entries(given) as [K, string | undefined][]) {
    if (text === undefined) continue;
    const n = Number(text);
    const flag = `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
    if (!/^\d{1,9}$/.test(text) || n < 1) throw new ManagerError('invalid_limit', 400, `${flag} must be a whole number of at least 1`);
    counts[key] = n;
  }
  return counts;
}

function serveCommand(): Command {
  return new Command('serve')
    .description('run the Secret Manager service')
    .addOption(new Option('--host <host>', 'address to listen on').env('SECRET_MANAGER_HOST').default('127.0.0.1'))
    .addOption(new Option('--port <port>', 'port to listen on').env('SECRET_MANAGER_PORT').default(String(DEFAULT_PORT)))
    .addOption(new Option('--master-key-file <file>', 'file holding the 32-byte master key').env('SECRET_MANAGER_MASTER_KEY_FILE'))
    .addOption(new Option('--tls-cert <file>', 'PEM certificate: serve HTTPS').env('SECRET_MANAGER_TLS_CERT'))
    .addOption(new Option('--tls-key <file>', 'PEM private key for --tls-cert').env('SECRET_MANAGER_TLS_KEY'))
    .addOption(new Option('--log-level <level>', 'debug, info, warn or error').env('SECRET_MANAGER_LOG_LEVEL').default('info'))
    .addOption(new Option('--log-format <format>', 'text, or json: one object a line').choices(['text', 'json']).env('SECRET_MANAGER_LOG_FORMAT').default('text'))
    .addOption(new Option('--max-connections <n>', 'most connections open at once (keep below `ulimit -n`)').env('SECRET_MANAGER_MAX_CONNECTIONS'))
    .addOption(new Option('--max-waiters <n>', 'most long polls open at once').env('SECRET_MANAGER_MAX_WAITERS'))
    .addOption(new Option('--max-waiters-per-token <n>', 'long polls one token keeps when all are taken').env('SECRET_MANAGER_MAX_WAITERS_PER_TOKEN'))
    .addOption(new Option('--max-waiters-per-space <n>', 'long polls one space keeps when all are taken').env('SECRET_MANAGER_MAX_WAITERS_PER_SPACE'))
    .action(async (opts: Record<string, string | undefined>, cmd: Command) => {
      const globals = cmd.optsWithGlobals<GlobalOptions>();
      const port = Number(opts.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ManagerError('invalid_port', 400, '--port must be 0 to 65535');
      if ((opts.tlsCert === undefined) !== (opts.tlsKey === undefined)) {
        throw new ManagerError('invalid_tls', 400, '--tls-cert and --tls-key go together');
      }
      // Listen for the stop signals before starting, so one that arrives during start-up still stops cleanly.
      let requestStop: () => void = () => undefined;
      const stopRequested = new Promise<void>((resolve) => (requestStop = resolve));
      process.on('SIGINT', requestStop);
      process.on('SIGTERM', requestStop);
      try {
        const server = await startServer({
          dataDir: resolve(globals.dataDir),
          host: opts.host,
          port,
          masterKey: process.env.SECRET_MANAGER_MASTER_KEY,
          masterKeyFile: opts.masterKeyFile,
          kek: kekSettingsFromEnv(),
          adminToken: process.env.SECRET_MANAGER_ADMIN_TOKEN,
          tls: opts.tlsCert !== undefined && opts.tlsKey !== undefined ? { certFile: opts.tlsCert, keyFile: opts.tlsKey } : undefined,
          logger: createLogger({ level: parseLogLevel(opts.logLevel), format: parseLogFormat(opts.logFormat) }),
          connections: countOptions({ maxConnections: opts.maxConnections }),
          limits: countOptions({ maxWaiters: opts.maxWaiters, maxWaitersPerToken: opts.maxWaitersPerToken, maxWaitersPerSpace: opts.maxWaitersPerSpace }),
        });
        await stopRequested;
        await server.close();
      } finally {
        process.off('SIGINT', requestStop);
        process.off('SIGTERM', requestStop);
      }
    });
}

function secretCommand(): Command {
  const secret = new Command('secret').description('manage secrets (needs an admin token)');
  addScopeOptions(secret.command('list').description('list secrets without their values')).action(
    async (opts: ScopeOptions, cmd: Command) => {
      const path = opts.org ? '/v1/org/secrets/meta' : `${scopePath(opts)}/meta`;
      const data = (await callApi(clientOf(cmd), 'GET', path)) as { secrets: SecretMeta[] };
      const rows = [['NAME', 'TYPE', 'UPDATED', 'DESCRIPTION']];
      for (const s of data.secrets) rows.push([s.name, s.type, s.updatedAt, s.description]);
      print(cmd.optsWithGlobals<GlobalOptions>().json, data, table(rows));
    },
  );
  addValueOptions(addScopeOptions(secret.command('create').argument('<name>').description('create a secret'))).action(
    async (name: string, opts: ScopeOptions & ValueOptions, cmd: Command) => {
      const body: Record<string, unknown> = { name, value: readValue(opts) };
      if (opts.description !== undefined) body.description = opts.description;
      const meta = (await callApi(clientOf(cmd), 'POST', scopePath(opts), body)) as SecretMeta;
      print(cmd.optsWithGlobals<GlobalOptions>().json, meta, `created ${meta.name}\n`);
    },
  );
  addValueOptions(addScopeOptions(secret.command('update').argument('<name>').description('change a value, some pairs, or the description')))
    .option('--remove-field <key...>', 'remove a pair of a multi-pair secret (repeat for more)')
    .addOption(new Option('--type <type>', 'change the type: the value given replaces the whole value').choices(['string', 'pairs']))
    .action(async (name: string, opts: ScopeOptions & ValueOptions & { removeField?: string[]; type?: string }, cmd: Command) => {
      const body: Record<string, unknown> = {};
      const value = readValue(opts);
      const removed = opts.removeField ?? [];
      // --field changes only the pairs it names (README, "HTTP API": fields); --type replaces the whole value, type and all.
      if (opts.type !== undefined) Object.assign(body, { value, type: opts.type });
      else if ((value !== undefined && typeof value !== 'string') || removed.length > 0) {
        body.fields = { ...(typeof value === 'object' ? value : {}), ...Object.fromEntries(removed.map((key) => [key, null])) };
      } else if (value !== undefined) body.value = value;
      if (opts.description !== undefined) body.description = opts.description;
      const meta = (await callApi(clientOf(cmd), 'PATCH', `${scopePath(opts)}/${encodeURIComponent(name)}`, body)) as SecretMeta;
      print(cmd.optsWithGlobals<GlobalOptions>().json, meta, `updated ${meta.name}\n`);
    });
  addScopeOptions(secret.command('delete').argument('<name>').description('delete a secret permanently')).action(
    async (name: string, opts: ScopeOptions, cmd: Command) => {
      await callApi(clientOf(cmd), 'DELETE', `${scopePath(opts)}/${encodeURIComponent(name)}`);
      print(cmd.optsWithGlobals<GlobalOptions>().json, { deleted: name }, `deleted ${name}\n`);
    },
  );
  return secret;
}

function exportCommand(): Command {
  return new Command('export')
    .description('print every secret as OpenBao / Vault KV writes (a `bao kv put` script, or JSON); reads the data directory, values included')
    .addOption(new Option('--format <format>', 'bao (a shell script) or json').choices(['bao', 'json']).default('bao'))
    .option('--mount <mount>', 'KV v2 mount (secretSync.vault.mount)', 'secret')
    .option('--path-prefix <prefix>', 'folder of the spaces (secretSync.vault.pathPrefix)', 'spaces')
    .option('--org-path <path>', 'folder of the organization keys (secretSync.vault.orgPath)', '_org')
    .addOption(new Option('--layout <layout>', 'secretSync.vault.layout').choices(['folder', 'entry']).default('folder'))
    .addOption(new Option('--master-key-file <file>', 'file holding the 32-byte master key').env('SECRET_MANAGER_MASTER_KEY_FILE'))
    .action(async (opts: { format: string; mount: string; pathPrefix: string; orgPath: string; layout: 'folder' | 'entry'; masterKeyFile?: string }, cmd: Command) => {
      const globals = cmd.optsWithGlobals<GlobalOptions>();
      const scopes = await readAllScopes({
        dataDir: resolve(globals.dataDir),
        masterKey: process.env.SECRET_MANAGER_MASTER_KEY,
        masterKeyFile: opts.masterKeyFile,
        kek: kekSettingsFromEnv(),
        logger: createLogger({ level: 'error' }),
      });
      const writes = kvWrites(scopes, { mount: opts.mount, pathPrefix: opts.pathPrefix, orgPath: opts.orgPath, layout: opts.layout });
      process.stdout.write(opts.format === 'json' ? `${JSON.stringify({ mount: opts.mount, writes }, null, 2)}\n` : baoScript(writes, opts.mount));
    });
}

function tokenCommand(): Command {
  const token = new Command('token').description('manage access tokens (needs an admin token)');
  token
    .command('create')
    .description('issue a read token for one space (or --admin, --viewer); prints the token once')
    .option('--space <space>', 'the space the read token may read')
    .option('--admin', 'issue an admin token instead')
    .option('--viewer', 'issue a viewer token instead (the console, read-only: no values, no changes)')
    .option('--description <text>', 'what the token is for')
    .action(async (opts: { space?: string; admin?: boolean; viewer?: boolean; description?: string }, cmd: Command) => {
      const body: Record<string, unknown> = { role: opts.admin ? 'admin' : opts.viewer ? 'viewer' : 'read' };
      if (opts.space !== undefined) body.space = opts.space;
      if (opts.description !== undefined) body.description = opts.description;
      const created = (await callApi(clientOf(cmd), 'POST', '/v1/tokens', body)) as TokenRecord & { token: string };
      print(cmd.optsWithGlobals<GlobalOptions>().json, created, `${created.token}\n`);
    });
  token
    .command('list')
    .description('list tokens (never the tokens themselves)')
    .action(async (_opts: unknown, cmd: Command) => {
      const data = (await callApi(clientOf(cmd), 'GET', '/v1/tokens')) as { tokens: TokenRecord[] };
      const rows = [['ID', 'ROLE', 'SPACE', 'CREATED', 'REVOKED', 'DESCRIPTION']];
      for (const t of data.tokens) rows.push([t.id, t.role, t.space ?? '-', t.createdAt, t.revokedAt ?? '-', t.description]);
      print(cmd.optsWithGlobals<GlobalOptions>().json, data, table(rows));
    });
  token
    .command('revoke')
    .argument('<id>')
    .description('revoke a token at once')
    .action(async (id: string, _opts: unknown, cmd: Command) => {
      await callApi(clientOf(cmd), 'DELETE', `/v1/tokens/${encodeURIComponent(id)}`);
      print(cmd.optsWithGlobals<GlobalOptions>().json, { revoked: id }, `revoked ${id}\n`);
    });
  return token;
}

/** Builds the program; exported for tests that inspect the help text. */
export function buildProgram(): Command {
  return new Command('secret-manager')
    .description('Secret Sync central Secret Manager')
    .addOption(new Option('--url <url>', 'server URL for secret/token commands').env('SECRET_MANAGER_URL').default(`http://127.0.0.1:${DEFAULT_PORT}`))
    .addOption(new Option('--data-dir <dir>', 'data directory').env('SECRET_MANAGER_DATA_DIR').default(DEFAULT_DATA_DIR))
    .addOption(new Option('--token-file <file>', 'admin token file (default: <data-dir>/admin.token; SECRET_MANAGER_TOKEN wins)').env('SECRET_MANAGER_TOKEN_FILE'))
    .option('--json', 'print JSON')
    .addCommand(serveCommand())
    .addCommand(secretCommand())
    .addCommand(tokenCommand())
    .addCommand(exportCommand())
    .addCommand(backupCommand())
    .addCommand(restoreCommand())
    .addCommand(rotateCommand())
    .showHelpAfterError()
    .exitOverride();
}

/** Runs the CLI with `argv` (as in process.argv) and resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv);
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode;
    if (err instanceof ManagerError) {
      process.stderr.write(`secret-manager: ${err.message} [${err.code}]\n`);
      return 1;
    }
    process.stderr.write(`secret-manager: unexpected failure: ${err instanceof Error ? err.name : 'unknown'}\n`);
    return 1;
  }
}
