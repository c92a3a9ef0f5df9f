// Tests for src/plugin/core/references.ts: parsing `${SECRETS.…}`, resolving, indexing flows and credentials, who a change affects.
import assert from 'node:assert/strict';
import { affectedNodes, indexReferences, missingReferences, parseVariable, referencesIn, resolveReference } from '../../../src/plugin/core/references';
import { envInputsIn, nodeReferences, referenceText } from '../../../src/plugin/core/reference-forms';
import { buildSnapshot } from '../../../src/plugin/core/snapshot';

describe('plugin/core/references', () => {
  const snapshot = buildSnapshot({ TOKEN: 'tok-value-1', MQTT: { user: 'device-1', password: 'pass-value-1' } });

  it('claims only SECRETS.KEY and SECRETS.KEY.field as variable names', () => {
    assert.deepEqual(parseVariable('SECRETS.TOKEN'), { key: 'TOKEN' });
    assert.deepEqual(parseVariable('SECRETS.MQTT.password'), { key: 'MQTT', field: 'password' });
    for (const other of ['PATH', 'HOME', 'SECRETS', 'SECRETS.', 'SECRETS.a.b.c', 'secrets.TOKEN', 'X.SECRETS.TOKEN', 'SECRETS.TO KEN']) assert.equal(parseVariable(other), undefined, other);
  });

  it('resolves a key, a pair, and nothing for a missing key or a multi-pair secret without its pair', () => {
    assert.equal(resolveReference(snapshot, { key: 'TOKEN' }), 'tok-value-1');
    assert.equal(resolveReference(snapshot, { key: 'MQTT', field: 'password' }), 'pass-value-1');
    assert.equal(resolveReference(snapshot, { key: 'MQTT' }), undefined);
    assert.equal(resolveReference(snapshot, { key: 'TOKEN', field: 'x' }), undefined);
    assert.equal(resolveReference(snapshot, { key: 'NOPE' }), undefined);
    assert.equal(resolveReference(snapshot, { key: '__proto__' }), undefined);
  });

  it('finds references whole and inside text, at any depth', () => {
    assert.deepEqual(referencesIn({ a: '${SECRETS.TOKEN}', b: ['Bearer ${SECRETS.MQTT.password} and ${SECRETS.X}'], c: 5, d: '${OTHER}' }), [
      { key: 'TOKEN' },
      { key: 'MQTT', field: 'password' },
      { key: 'X' },
    ]);
  });

  const flows = [
    { id: 'broker', type: 'mqtt-broker', name: 'b', broker: 'host' },
    { id: 'out', type: 'mqtt out', z: 'tab', broker: 'broker' },
    { id: 'fn', type: 'function', z: 'tab', func: "const t = '${SECRETS.TOKEN}'" },
    { id: 'other', type: 'inject', z: 'tab' },
    { id: 'tab', type: 'tab' },
  ];
  const credentials: Record<string, unknown> = { broker: { user: '${SECRETS.MQTT.user}', password: '${SECRETS.MQTT.password}' } };
  const index = indexReferences(flows, (id) => credentials[id]);

  it('indexes the references of properties and of stored credentials, once per node and reference', () => {
    assert.deepEqual([...index.keys()].sort(), ['MQTT', 'TOKEN']);
    assert.deepEqual(index.get('MQTT')?.map((r) => [r.node.id, r.ref.field]), [['broker', 'user'], ['broker', 'password']]);
  });

  it('restarts the nodes that use a changed key and the nodes that use them as config nodes, and no other', () => {
    assert.deepEqual(affectedNodes(index, ['MQTT'], flows), ['broker', 'out']);
    assert.deepEqual(affectedNodes(index, ['TOKEN'], flows), ['fn']);
    assert.deepEqual(affectedNodes(index, ['UNUSED'], flows), []);
  });

  it('names references the space has no value for, with their nodes', () => {
    const thin = buildSnapshot({ TOKEN: 'tok-value-1' });
    assert.deepEqual(missingReferences(index, thin), [
      { reference: 'SECRETS.MQTT.password', nodes: [{ id: 'broker', type: 'mqtt-broker', name: 'b' }] },
      { reference: 'SECRETS.MQTT.user', nodes: [{ id: 'broker', type: 'mqtt-broker', name: 'b' }] },
    ]);
    assert.deepEqual(missingReferences(index, snapshot), []);
  });

  it('finds every way a node names a secret as a variable, and which of them Node-RED reads only as the node starts', () => {
    const node = {
      id: 'n',
      type: 'change',
      rules: [
        { t: 'set', p: 'payload', pt: 'msg', to: 'SECRETS.BARE', tot: 'env' },
        { t: 'set', p: 'a', pt: 'msg', to: 'SECRETS.NOT_ENV', tot: 'global' },
        { t: 'set', p: 'b', pt: 'msg', to: "$env('SECRETS.JSONATA') & $env(\"SECRETS.PAIR.user\")", tot: 'jsonata' },
      ],
      certType: 'env',
      certEnv: 'SECRETS.TLS_CERT',
      func: "return env.get('SECRETS.CODE');",
      initialize: "context.set('t', env.get(\"SECRETS.AT_START\"));",
    };
    const found = nodeReferences(node, { password: '${SECRETS.CRED}' }).map(({ ref, live }) => `${referenceText(ref)}${live ? ' (live)' : ''}`);
    assert.deepEqual(found.sort(), [
      'SECRETS.AT_START',
      'SECRETS.BARE',
      'SECRETS.CODE (live)',
      'SECRETS.CRED',
      'SECRETS.JSONATA (live)',
      'SECRETS.PAIR.user (live)',
      'SECRETS.TLS_CERT',
    ]);
    assert.deepEqual(envInputsIn({ to: 'SECRETS.X', tot: 'global' }), [], 'a global context path is not an env input');
  });

  it('restarts nodes that read a changed key as they start, not those that look it up at each use, and names missing keys of both', () => {
    const nodes = [
      { id: 'bare', type: 'change', z: 'tab', rules: [{ t: 'set', p: 'payload', pt: 'msg', to: 'SECRETS.TOKEN', tot: 'env' }] },
      { id: 'code', type: 'function', z: 'tab', func: "return env.get('SECRETS.TOKEN');", initialize: '' },
      { id: 'start', type: 'function', z: 'tab', func: 'return msg;', initialize: "env.get('SECRETS.TOKEN')" },
      { id: 'both', type: 'function', z: 'tab', func: "env.get('SECRETS.TOKEN')", initialize: "env.get('SECRETS.TOKEN')" },
      { id: 'expr', type: 'change', z: 'tab', rules: [{ t: 'set', p: 'payload', pt: 'msg', to: "$env('SECRETS.GONE')", tot: 'jsonata' }] },
    ];
    const forms = indexReferences(nodes, () => undefined);
    assert.deepEqual(affectedNodes(forms, ['TOKEN'], nodes).sort(), ['bare', 'both', 'start']);
    assert.deepEqual(affectedNodes(forms, ['GONE'], nodes), []);
    assert.deepEqual(missingReferences(forms, snapshot).map((m) => [m.reference, m.nodes.map((n) => n.id)]), [['SECRETS.GONE', ['expr']]]);
  });
});
