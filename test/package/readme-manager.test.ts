// The README's "Operate the Secret Manager" says what the manager does: the install the install test runs, every metric a real scrape shows, the scrape config and the systemd unit's sandboxing.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestManager } from '../helpers/manager';
import { REPO_ROOT } from '../helpers/node-red';
import { scrape } from '../helpers/prometheus';

const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
const manager = JSON.parse(readFileSync(join(REPO_ROOT, 'src/manager/package.json'), 'utf8')) as { name: string; version: string };

/** The README section under `## title`, up to the next `## `. */
function section(title: string): string {
  const start = readme.indexOf(`\n## ${title}\n`);
  assert.ok(start >= 0, `the README has "## ${title}"`);
  const end = readme.indexOf('\n## ', start + 1);
  return readme.slice(start, end < 0 ? undefined : end);
}

/** The first fenced block of `lang` in `text`. */
function fenced(text: string, lang: string): string {
  const match = new RegExp('```' + lang + '\\n([\\s\\S]*?)```').exec(text);
  assert.ok(match?.[1], `a \`\`\`${lang} block`);
  return match[1];
}

describe('package: what the README says of operating the manager', () => {
  const text = section('Operate the Secret Manager');

  it('comes right after "The Secret Manager", and installs the tarball npm pack names in the manager’s workspace', () => {
    const order = ['## The Secret Manager', '## Operate the Secret Manager', '## Scale out with OpenBao or Vault'].map((t) => readme.indexOf(`\n${t}\n`));
    assert.ok(order.every((at, i) => at > 0 && (i === 0 || at > order[i - 1]!)), 'in that order');
    assert.ok(text.includes('cd src/manager && npm pack'));
    assert.ok(text.includes(`npm install -g ./${manager.name}-${manager.version}.tgz`));
  });

  it('names every metric a real manager exposes, and gives a scrape config with a bearer credentials file', async function () {
    this.timeout(20_000);
    const m = await startTestManager();
    try {
      const names = [...(await scrape(m.url, m.adminToken)).keys()].filter((name) => name.startsWith('secret_manager_'));
      assert.ok(names.length >= 10);
      for (const name of names) assert.ok(text.includes(`\`${name}\``), name);
    } finally {
      await m.stop();
    }
    const yaml = fenced(text, 'yaml');
    assert.match(yaml, /authorization:\n\s+type: Bearer\n\s+credentials_file: \S+/);
    assert.match(yaml, /metrics_path: \/metrics/);
  });

  it('gives a systemd unit with the usual sandboxing, and MemoryDenyWriteExecute off (V8 needs it)', () => {
    const unit = fenced(text, 'ini');
    for (const line of ['User=secret-manager', 'ProtectSystem=strict', 'ReadWritePaths=/var/lib/secret-manager', 'NoNewPrivileges=yes', 'PrivateTmp=yes', 'MemoryDenyWriteExecute=no', 'LimitCORE=0']) {
      assert.ok(unit.split('\n').includes(line), line);
    }
    assert.match(unit, /^LimitNOFILE=\d+$/m);
    assert.match(unit, /^ExecStart=\S*secret-manager serve$/m);
  });
});
