// The false-positive corpus of the credential scan: every example flow shipped in node-red, its core nodes and this repository must give zero findings.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { scanFlows } from '../../../src/plugin/core/credential-scan';
import { secretlintDetector } from '../../../src/plugin/core/credential-shapes';
import type { FlowNodeConfig } from '../../../src/plugin/core/flow-nodes';
import { randomText } from '../../helpers/random-text';

const ROOT = join(__dirname, '../../../..');

function jsonFiles(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names.flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return jsonFiles(path);
    return name.endsWith('.json') ? [path] : [];
  });
}

/** Every `examples/**.json` of node-red's packages (5 and the 4 kept for the compatibility suites) and of this repository. */
function corpus(): string[] {
  const dirs = [join(ROOT, 'examples')];
  for (const base of [join(ROOT, 'node_modules'), join(ROOT, 'node_modules/node-red-4/node_modules')]) {
    for (const pkg of ['node-red', '@node-red/nodes', 'node-red-4']) dirs.push(join(base, pkg, 'examples'));
  }
  return [...new Set(dirs.flatMap(jsonFiles))];
}

describe('plugin/core/credential-scan: false positives', function () {
  this.timeout(120_000);

  it('finds nothing in the example flows of node-red, its core nodes and this repository', async () => {
    const files = corpus();
    assert.ok(files.length >= 100, `the corpus has only ${files.length} files`);
    const flows: FlowNodeConfig[] = [];
    for (const file of files) {
      const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
      const nodes = Array.isArray(parsed) ? parsed : [];
      // Ids repeat between files: each file's nodes get their file's index, so every node is scanned on its own.
      for (const node of nodes as FlowNodeConfig[]) flows.push({ ...node, id: `${flows.length}:${String(node.id)}` });
    }
    const detect = secretlintDetector();
    const scan = (nodes: FlowNodeConfig[]): ReturnType<typeof scanFlows> => {
      const credentials = new Map(nodes.map((n) => [n.id, n.credentials]));
      return scanFlows({ flows: nodes, credentialsOf: (id) => credentials.get(id), passwordFields: () => undefined, synced: { ranges: () => [], keyOf: () => undefined }, detect });
    };
    // The same scan is live on this corpus: credentials planted into three of its own nodes (code, a header, a stored password) are found, and only they.
    const fn = flows.find((n) => n.type === 'function' && typeof n.func === 'string')!;
    const request = flows.find((n) => n.type === 'http request')!;
    const broker = flows.find((n) => n.type === 'mqtt-broker')!;
    const planted = flows.map((n) => {
      if (n === fn) return { ...n, func: `${String(n.func)}\nconst token = '${`ghp_${randomText(36)}`}';` };
      if (n === request) return { ...n, headers: [{ keyType: 'other', keyValue: 'Authorization', valueType: 'other', valueValue: `Bearer ${randomText(40)}` }] };
      if (n === broker) return { ...n, credentials: { user: 'device', password: randomText(10) } };
      return n;
    });
    const control = await scan(planted);
    assert.deepEqual(control.findings.map((k) => k.finding.id).sort(), [fn.id, request.id, broker.id].sort(), 'the scan of the corpus finds planted credentials');
    const result = await scan(flows);
    assert.ok(result.texts > 5_000 && result.chars > 50_000, `the scan read only ${result.texts} texts, ${result.chars} characters`);
    console.log(`      corpus: ${files.length} flow files, ${result.nodes} nodes, ${result.texts} texts, ${result.chars} characters: ${result.count} findings`);
    assert.deepEqual(
      result.findings.map((k) => `${k.finding.type} ${k.finding.property} ${k.finding.rule} ${k.finding.detail ?? ''}`),
      [],
    );
    assert.equal(result.limited, false);
  });
});
