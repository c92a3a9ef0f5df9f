// Tests for src/plugin/core/credential-scan.ts: each rule with a canary made at run time, the negatives, code lines, bounds, and that no finding carries a value or part of one.
import assert from 'node:assert/strict';
import { CredentialFindings } from '../../../src/plugin/core/credential-findings';
import { MAX_KEPT_FINDINGS, MAX_SCAN_CHARS, scanFlows } from '../../../src/plugin/core/credential-scan';
import type { ScanInput, SyncedValues } from '../../../src/plugin/core/credential-scan';
import { BATCH_CHARS, secretlintDetector } from '../../../src/plugin/core/credential-shapes';
import { FINDINGS_MAX } from '../../../src/shared/contract';
import type { FlowNodeConfig } from '../../../src/plugin/core/flow-nodes';
import type { Masker } from '../../../src/plugin/core/masker';
import { EMPTY_PUBLICATION, nextPublication } from '../../../src/plugin/core/publication';
import { EMPTY_SNAPSHOT, nextSnapshot } from '../../../src/plugin/core/snapshot';
import { memoryLogger } from '../../helpers/logger';
import { randomText } from '../../helpers/random-text';


const detect = secretlintDetector();
const NO_SYNC: SyncedValues = { ranges: () => [], keyOf: () => undefined };

function input(flows: FlowNodeConfig[], options: Partial<ScanInput> = {}): ScanInput {
  const creds = new Map(flows.map((n) => [n.id, n.credentials]));
  return { flows, credentialsOf: (id) => creds.get(id), passwordFields: (type) => (type === 'mqtt-broker' ? new Set(['password']) : undefined), synced: NO_SYNC, detect, ...options };
}

/** Asserts that neither the value nor any 8-character piece of it is in `text`. */
function assertNoPiece(text: string, value: string): void {
  for (let i = 0; i + 8 <= value.length; i += 4) assert.ok(!text.includes(value.slice(i, i + 8)), `a piece of a canary leaked: ${value.slice(0, 3)}…`);
}

describe('plugin/core/credential-scan', function () {
  this.timeout(30_000);

  it('finds each rule with a canary, on the right property, and never shows a value', async () => {
    const github = `ghp_${randomText(36)}`;
    const aws = `AKIA${randomText(16, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567')}`;
    const slack = `xoxb-${randomText(11, '0123456789')}-${randomText(12, '0123456789')}-${randomText(24)}`;
    const basic = randomText(14);
    const mqttUrl = randomText(12);
    const bearer = randomText(40);
    const password = randomText(10);
    const flows: FlowNodeConfig[] = [
      { id: 't1', type: 'tab', label: 'Flow 1' },
      { id: 'b1', type: 'mqtt-broker', name: 'prod', credentials: { user: 'device', password } },
      { id: 'f1', type: 'function', z: 't1', name: 'gh', func: `const a = 1;\nconst token = "${github}";\nreturn msg;` },
      { id: 'h1', type: 'http request', z: 't1', url: `https://alice:${basic}@api.example.org/v1`, headers: [{ keyType: 'other', keyValue: 'Authorization', valueType: 'other', valueValue: `Bearer ${bearer}` }] },
      { id: 'c1', type: 'change', z: 't1', rules: [{ t: 'set', p: 'aws', pt: 'msg', to: aws, tot: 'str' }, { t: 'set', p: 'slack', pt: 'msg', to: slack, tot: 'str' }] },
      { id: 'i1', type: 'inject', z: 't1', url: `mqtt://device:${mqttUrl}@broker.local:1883` },
    ];
    const result = await scanFlows(input(flows));
    const got = result.findings.map((k) => `${k.finding.id} ${k.finding.property} ${k.finding.rule} ${k.finding.detail ?? ''} ${k.finding.line ?? ''} ${k.finding.movable}`);
    assert.deepEqual(got.sort(), [
      'b1 credentials.password password-field   true',
      'c1 rules.0.to credential-shape aws  true',
      'c1 rules.1.to credential-shape slack  true',
      'f1 func credential-shape github 2 false',
      'h1 headers.0.valueValue named-literal   true',
      'h1 url credential-shape basicauth  true',
      'i1 url credential-shape url-password  true',
    ]);
    assert.equal(result.count, 7);
    const shown = JSON.stringify(result.findings.map((k) => k.finding));
    for (const value of [github, aws, slack, basic, mqttUrl, bearer, password]) assertNoPiece(shown, value);
  });

  it('leaves references, environment variables, short or plain values and placeholders alone', async () => {
    const flows: FlowNodeConfig[] = [
      { id: 'b1', type: 'mqtt-broker', credentials: { user: 'device', password: '${SECRETS.MQTT.password}' } },
      { id: 'b2', type: 'mqtt-broker', credentials: { password: '${MQTT_PASSWORD}' } },
      { id: 'b3', type: 'mqtt-broker', credentials: { password: '' } },
      {
        id: 'h1',
        type: 'http request',
        url: 'https://user:password@example.com/x',
        headers: [
          { keyType: 'other', keyValue: 'Authorization', valueType: 'other', valueValue: 'Bearer ${SECRETS.API}' },
          { keyType: 'other', keyValue: 'X-Api-Key', valueType: 'other', valueValue: 'your-api-key-here-123' },
          { keyType: 'other', keyValue: 'Authorization', valueType: 'other', valueValue: 'Bearer abc' },
          { keyType: 'other', keyValue: 'X-Token', valueType: 'other', valueValue: 'aaaaaaaaaaaaaaaaaaaa' },
          { keyType: 'other', keyValue: 'Accept', valueType: 'other', valueValue: 'application/json;q=0.9' },
        ],
      },
      { id: 'i1', type: 'inject', props: [{ p: 'token', v: '<token>', vt: 'str' }, { p: 'payload', v: 'Zq8mW2xK9pL4vR7n', vt: 'str' }] },
      { id: 'f1', type: 'function', func: "const t = env.get('SECRETS.GITHUB');\nreturn msg;" },
    ];
    const result = await scanFlows(input(flows));
    assert.deepEqual(result.findings, []);
    assert.equal(result.count, 0);
  });

  it('finds a synced value pasted into a property, and names its key when the property is that value', async () => {
    const value = `synced-${randomText(20)}`;
    const publication = await nextPublication(EMPTY_PUBLICATION, nextSnapshot({ API_TOKEN: value }, EMPTY_SNAPSHOT), 1);
    const masker: Masker = publication.masker;
    const synced: SyncedValues = { ranges: (t) => masker.ranges(t), keyOf: (t) => (t === value ? 'API_TOKEN' : undefined) };
    const flows: FlowNodeConfig[] = [
      { id: 'x1', type: 'change', rules: [{ t: 'set', p: 'payload', pt: 'msg', to: value, tot: 'str' }] },
      { id: 'f1', type: 'function', func: `// one\n// two\nmsg.t = '${value}';` },
    ];
    const result = await scanFlows(input(flows, { synced }));
    assert.deepEqual(
      result.findings.map((k) => k.finding),
      [
        { id: 'x1', type: 'change', name: '', z: '', property: 'rules.0.to', rule: 'synced-value', detail: 'API_TOKEN', movable: true },
        { id: 'f1', type: 'function', name: '', z: '', property: 'func', rule: 'synced-value', line: 3, movable: false },
      ],
    );
  });

  it('reads the literal of a current finding for a move: the whole property, or the span in code', async () => {
    const github = `ghp_${randomText(36)}`;
    const password = randomText(12);
    const flows: FlowNodeConfig[] = [
      { id: 'b1', type: 'mqtt-broker' },
      { id: 'f1', type: 'function', func: `// 1\nconst t = "${github}";` },
    ];
    const creds: Record<string, unknown> = { b1: { password } };
    const findings = new CredentialFindings({ credentialsOf: (id) => creds[id], passwordFields: () => new Set(['password']), detect, logger: memoryLogger() });
    await findings.flowsStarted(flows);
    assert.equal(findings.moveSource('b1', 'credentials.password')?.literal, password);
    assert.equal(findings.moveSource('f1', 'func', 2)?.literal, github);
    assert.equal(findings.moveSource('f1', 'func', 1), undefined);
    // Only a finding of the last scan: never any other property.
    assert.equal(findings.moveSource('b1', 'credentials.user'), undefined);
    assert.equal(findings.moveSource('f1', 'type'), undefined);
    assert.equal(findings.moveSource('nope', 'credentials.password'), undefined);
  });

  it('moves nothing while a deploy is being scanned, nor a credential that became a reference', async () => {
    const password = randomText(12);
    const creds: Record<string, Record<string, string>> = { b1: { password } };
    let release: () => void = () => undefined;
    let hold = false;
    const slow: typeof detect = async (texts) => {
      if (hold) await new Promise<void>((resolve) => (release = resolve));
      return detect(texts);
    };
    const findings = new CredentialFindings({ credentialsOf: (id) => creds[id], passwordFields: () => new Set(['password']), detect: slow, logger: memoryLogger() });
    await findings.flowsStarted([{ id: 'b1', type: 'mqtt-broker' }]);
    assert.equal(findings.moveSource('b1', 'credentials.password')?.literal, password);
    hold = true;
    creds.b1 = { password: '${SECRETS.MQTT_PASSWORD}' };
    const scanning = findings.flowsStarted([{ id: 'b1', type: 'mqtt-broker' }]);
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(findings.moveSource('b1', 'credentials.password'), undefined);
    assert.equal(findings.answer().count, 1, 'the last scan is still listed');
    release();
    await scanning;
    assert.equal(findings.answer().count, 0);
    assert.equal(findings.moveSource('b1', 'credentials.password'), undefined);
  });

  it('after a sync scans the same flows for the new values without linting their shapes again; a changed flow is linted again', async () => {
    const token = `ghp_${randomText(36)}`;
    const pasted = `pasted-${randomText(20)}`;
    const linted: number[] = [];
    const counting: typeof detect = async (texts) => (linted.push(texts.length), detect(texts));
    const findings = new CredentialFindings({ credentialsOf: () => undefined, passwordFields: () => undefined, detect: counting, logger: memoryLogger() });
    const flows: FlowNodeConfig[] = [
      { id: 'f1', type: 'function', func: `const t = "${token}";\nreturn msg;` },
      { id: 'c1', type: 'change', rules: [{ t: 'set', p: 'payload', tot: 'str', to: pasted }] },
    ];
    await findings.flowsStarted(flows);
    assert.deepEqual(linted.length, 1);
    assert.deepEqual(findings.answer().findings.map((f) => f.rule), ['credential-shape']);
    // A sync brings `pasted` as a secret: the scan runs again and finds it, with the shapes of before.
    await findings.published(await nextPublication(EMPTY_PUBLICATION, nextSnapshot({ PASTED: pasted }, EMPTY_SNAPSHOT), 1));
    assert.equal(linted.length, 1, 'the same texts were not linted again');
    assert.deepEqual(findings.answer().findings.map((f) => f.rule).sort(), ['credential-shape', 'synced-value']);
    // A deploy that changes a text lints again.
    const other = `ghp_${randomText(36)}`;
    await findings.flowsStarted([{ ...flows[0]!, func: `const t = "${other}";\nreturn msg;` }, flows[1]!]);
    assert.equal(linted.length, 2);
    assert.equal(findings.answer().count, 2);
  });

  it('logs one line counting the findings by rule, with no value', async () => {
    const lines: string[] = [];
    const password = randomText(12);
    const findings = new CredentialFindings({ credentialsOf: () => ({ password }), passwordFields: () => new Set(['password']), detect, logger: memoryLogger(lines) });
    const counts: number[] = [];
    findings.on('scanned', (e) => counts.push(e.count));
    await findings.flowsStarted([{ id: 'b1', type: 'mqtt-broker' }]);
    assert.deepEqual(counts, [1]);
    assert.equal(lines.length, 1);
    assert.match(lines[0]!, /^warn: 1 credential pasted into the deployed flows \(1 password-field\) in 1 node: /);
    assertNoPiece(lines.join('\n'), password);
    assert.equal(findings.answer().count, 1);
    assert.equal(findings.answer().findings[0]!.rule, 'password-field');
  });

  it('maps each hit to its text and span across the detector\'s batches', async () => {
    const tokens = [0, 1, 2, 3].map(() => `ghp_${randomText(36)}`);
    const filler = 'y'.repeat(BATCH_CHARS / 2);
    const texts = [`${filler} ${tokens[0]}`, 'plain', `${filler}\n${tokens[1]} ${filler}`, tokens[2]!, `x ${filler} ${tokens[3]}`];
    const hits = await detect(texts);
    assert.deepEqual(
      hits.map((h) => [h.index, texts[h.index]!.slice(h.start, h.end), h.rule]),
      [
        [0, tokens[0], 'github'],
        [2, tokens[1], 'github'],
        [3, tokens[2], 'github'],
        [4, tokens[3], 'github'],
      ],
    );
  });

  it('answers at most FINDINGS_MAX findings with the full count', async () => {
    const findings = new CredentialFindings({ credentialsOf: () => ({ password: 'literal-password' }), passwordFields: () => new Set(['password']), detect, logger: memoryLogger() });
    await findings.flowsStarted(Array.from({ length: FINDINGS_MAX + 20 }, (_, i) => ({ id: `b${i}`, type: 'mqtt-broker' })));
    const answer = findings.answer();
    assert.equal(answer.findings.length, FINDINGS_MAX);
    assert.equal(answer.count, FINDINGS_MAX + 20);
  });

  it('bounds a huge flow: the characters read, the findings kept; the count goes on', async () => {
    const big = 'x'.repeat(200_000);
    const flows: FlowNodeConfig[] = Array.from({ length: Math.ceil(MAX_SCAN_CHARS / big.length) + 5 }, (_, i) => ({ id: `n${i}`, type: 'comment', info2: big }));
    const result = await scanFlows(input(flows));
    assert.equal(result.limited, true);
    assert.ok(result.chars <= MAX_SCAN_CHARS);
    const many: FlowNodeConfig[] = Array.from({ length: MAX_KEPT_FINDINGS + 10 }, (_, i) => ({ id: `b${i}`, type: 'mqtt-broker', credentials: { password: `p${i}` } }));
    const counted = await scanFlows(input(many));
    assert.equal(counted.count, MAX_KEPT_FINDINGS + 10);
    assert.equal(counted.findings.length, MAX_KEPT_FINDINGS);
  });
});
