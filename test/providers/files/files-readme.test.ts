// README "Read secrets from files": its settings resolve, and its Kubernetes manifests (a Deployment with the Secret volume, an ExternalSecret filling it) fit together and make keys the provider reads.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { parseAllDocuments } from 'yaml';
import { resolveConfig } from '../../../src/plugin/core/config';
import { FilesProvider } from '../../../src/providers/files/files-provider';
import { isRecord } from '../../../src/shared/guards';
import { REPO_ROOT } from '../../helpers/node-red';

/** The README's "Read secrets from files" section. */
function filesSection(): string {
  const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf('\n## Read secrets from files');
  assert.ok(start >= 0, 'the README has the section');
  const end = readme.indexOf('\n## ', start + 1);
  return readme.slice(start, end < 0 ? undefined : end);
}

/** The fenced blocks of `language` in `text`. */
function blocks(text: string, language: string): string[] {
  return [...text.matchAll(new RegExp('```' + language + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1]!);
}

type Doc = Record<string, unknown>;

/** `value` at `path` (object keys and list indexes), failing the test naming the path when it is not there. */
function at(value: unknown, ...path: (string | number)[]): unknown {
  let here = value;
  for (const step of path) {
    if (typeof step === 'number' ? !Array.isArray(here) : !isRecord(here)) assert.fail(`no ${path.join('.')}`);
    here = (here as Record<string | number, unknown>)[step];
  }
  return here;
}

function list(value: unknown): Doc[] {
  assert.ok(Array.isArray(value), 'a list');
  return value as Doc[];
}

describe("README's files provider: settings and Kubernetes manifests", () => {
  const section = filesSection();
  const docs: Doc[] = blocks(section, 'yaml').flatMap((text) =>
    // YAML 1.1, as Kubernetes reads manifests: `defaultMode: 0440` is octal there (440 in YAML 1.2).
    parseAllDocuments(text, { version: '1.1' }).map((doc) => {
      assert.deepEqual(doc.errors, [], 'valid YAML');
      return doc.toJS() as Doc;
    }),
  );
  const deployment = docs.find((d) => d.kind === 'Deployment');
  const external = docs.find((d) => d.kind === 'ExternalSecret');

  it('its settings.js block resolves to provider files with the directory, needing no URL and no token', () => {
    const js = blocks(section, 'js')[0];
    assert.ok(js, 'a settings block');
    const settings = runInNewContext(`({${js}})`) as { secretSync: unknown };
    const result = resolveConfig(settings.secretSync, {}, () => '');
    assert.ok(result.ok, JSON.stringify(result));
    assert.deepEqual([result.config.provider, result.config.files, result.summary.interval], ['files', { dir: '/etc/secret-sync' }, 'watch']);
  });

  it('the Deployment mounts the Secret volume whole and read-only where SECRET_SYNC_FILES_DIR points, readable by the node-red user', () => {
    assert.ok(deployment, 'a Deployment');
    const spec = at(deployment, 'spec', 'template', 'spec');
    const container = list(at(spec, 'containers'))[0]!;
    const env: Record<string, string> = Object.fromEntries(list(container.env).map((e) => [String(e.name), String(e.value)]));
    assert.equal(env.SECRET_SYNC_PROVIDER, 'files');
    const dir = env.SECRET_SYNC_FILES_DIR;
    const mount = list(container.volumeMounts).find((m) => m.mountPath === dir);
    assert.ok(mount, `a volume mounted at ${dir}`);
    assert.equal(mount.subPath, undefined, 'a subPath mount is never updated by the kubelet');
    assert.equal(mount.readOnly, true);
    const volume = list(at(spec, 'volumes')).find((v) => v.name === mount.name);
    const secret = at(volume, 'secret');
    assert.equal(typeof at(secret, 'secretName'), 'string');
    // 0440 with fsGroup 1000: the image's node-red user (uid 1000) reads through its group.
    const mode = Number(at(secret, 'defaultMode'));
    assert.equal(mode, 0o440);
    assert.ok((mode & 0o004) !== 0 || ((mode & 0o040) !== 0 && at(spec, 'securityContext', 'fsGroup') === 1000), `mode ${mode.toString(8)}`);
    const config = resolveConfig(undefined, env, () => '');
    assert.ok(config.ok, JSON.stringify(config));
    assert.equal(config.summary.space, 'production-line-3');
  });

  it('the ExternalSecret fills the very Secret the Deployment mounts, from values it declares', () => {
    assert.ok(external && deployment, 'both manifests');
    const spec = at(deployment, 'spec', 'template', 'spec');
    const secretName = list(at(spec, 'volumes'))
      .map((v) => (isRecord(v.secret) ? v.secret.secretName : undefined))
      .find((name) => name !== undefined);
    assert.equal(at(external, 'spec', 'target', 'name'), secretName);
    assert.match(String(external.apiVersion), /^external-secrets\.io\//);
    const declared = new Set(list(at(external, 'spec', 'data')).map((d) => d.secretKey));
    const template = at(external, 'spec', 'target', 'template', 'data') as Record<string, string>;
    for (const text of Object.values(template)) for (const [, name] of text.matchAll(/\{\{\s*\.(\w+)/g)) assert.ok(declared.has(name), `${name} is declared in spec.data`);
  });

  it('every key the ExternalSecret makes is one the provider reads: no key skipped', async () => {
    assert.ok(external);
    const template = at(external, 'spec', 'target', 'template', 'data') as Record<string, string>;
    const dir = mkdtempSync(join(tmpdir(), 'files-readme-'));
    try {
      // The template rendered as ESO would: each {{ .x | toJson }} a JSON string, each {{ .x }} its text.
      for (const [key, text] of Object.entries(template)) {
        writeFileSync(join(dir, key), text.replace(/\{\{\s*\.(\w+)\s*\|\s*toJson\s*\}\}/g, (_m, name: string) => JSON.stringify(`${name}-value`)).replace(/\{\{\s*\.(\w+)\s*\}\}/g, '$1-value'));
      }
      const provider = new FilesProvider({ dir, space: 'production-line-3', settleMs: 10 });
      const result = await provider.fetch({ signal: AbortSignal.timeout(10_000) });
      assert.equal(result.status, 'changed');
      if (result.status !== 'changed') return;
      assert.deepEqual(result.skipped ?? [], []);
      assert.deepEqual(result.secrets, { my_api_token: 'api_token-value', MQTT: { username: 'mqtt_username-value', password: 'mqtt_password-value' } });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the Compose example mounts its secret where SECRET_SYNC_FILES_DIR points', () => {
    const compose = docs.find((d) => isRecord(d.services));
    assert.ok(compose, 'a Compose file');
    const service = at(compose, 'services', 'node-red');
    assert.equal(at(service, 'environment', 'SECRET_SYNC_FILES_DIR'), '/run/secrets');
    assert.deepEqual(Object.keys(at(compose, 'secrets') as Doc), at(service, 'secrets'));
  });
});
