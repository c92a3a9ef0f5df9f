// Tests for src/manager/lib/validation.ts: the validation messages and the input rules, as pure functions.
import assert from 'node:assert/strict';
import type { ManagerError } from 'secret-sync-manager';
import { parseCreateBody, parsePatchBody, parseTokenBody, sameValue } from 'secret-sync-manager/dist/validation';

function fails(fn: () => unknown, code: string, message?: string): void {
  assert.throws(fn, (e: ManagerError) => {
    assert.equal(e.code, code);
    assert.equal(e.status, 400);
    if (message !== undefined) assert.equal(e.message, message);
    return true;
  });
}

describe('manager/validation', () => {
  describe('parseCreateBody', () => {
    it('accepts a string secret and a multi-pair secret', () => {
      assert.deepEqual(parseCreateBody({ name: 'API_TOKEN', value: 'x' }), { name: 'API_TOKEN', value: 'x', description: '' });
      assert.deepEqual(parseCreateBody({ name: 'db-1', value: { user: 'u', pass: 'p' }, description: 'Main DB' }), {
        name: 'db-1',
        value: { user: 'u', pass: 'p' },
        description: 'Main DB',
      });
    });

    it('says "Secret key is required" for a missing, empty or blank name', () => {
      for (const body of [{ value: 'x' }, { name: '', value: 'x' }, { name: '   ', value: 'x' }, { name: null, value: 'x' }, {}]) {
        fails(() => parseCreateBody(body), 'key_required', 'Secret key is required');
      }
    });

    it('says "Secret value is required" for a missing, empty or blank value', () => {
      for (const value of [undefined, null, '', '  ', {}, { user: '' }]) {
        fails(() => parseCreateBody({ name: 'A', value }), 'value_required', 'Secret value is required');
      }
    });

    it('refuses names outside letters, digits, _ and -, and longer than 128', () => {
      for (const name of ['a.b', 'a b', 'ä', 'a/b', 'x'.repeat(129)]) fails(() => parseCreateBody({ name, value: 'x' }), 'invalid_name');
      assert.equal(parseCreateBody({ name: 'x'.repeat(128), value: 'v' }).name.length, 128);
    });

    it('refuses the reserved names __proto__, constructor and prototype, also as pair keys', () => {
      for (const name of ['__proto__', 'constructor', 'prototype']) {
        fails(() => parseCreateBody({ name, value: 'x' }), 'invalid_name');
        fails(() => parseCreateBody(JSON.parse(`{"name":"A","value":{"${name}":"x"}}`)), 'invalid_name');
      }
    });

    it('refuses wrong types, unknown fields and non-object bodies', () => {
      fails(() => parseCreateBody({ name: 5, value: 'x' }), 'invalid_type');
      fails(() => parseCreateBody({ name: 'A', value: 5 }), 'invalid_type');
      fails(() => parseCreateBody({ name: 'A', value: ['x'] }), 'invalid_type');
      fails(() => parseCreateBody({ name: 'A', value: { k: 1 } }), 'invalid_type');
      fails(() => parseCreateBody({ name: 'A', value: 'x', description: 7 }), 'invalid_type');
      fails(() => parseCreateBody({ name: 'A', value: 'x', type: 'string' }), 'unknown_field', "Unknown field 'type'");
      fails(() => parseCreateBody([1]), 'invalid_body');
      fails(() => parseCreateBody('A'), 'invalid_body');
    });

    it('bounds value size, pair count and description length', () => {
      fails(() => parseCreateBody({ name: 'A', value: 'x'.repeat(70_000) }), 'value_too_large');
      const many = Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`k${i}`, 'v']));
      fails(() => parseCreateBody({ name: 'A', value: many }), 'too_many_fields');
      fails(() => parseCreateBody({ name: 'A', value: 'x', description: 'd'.repeat(1001) }), 'description_too_long');
    });
  });

  describe('parsePatchBody', () => {
    it('says "No changes to save" for an empty patch', () => {
      fails(() => parsePatchBody({}, 'A'), 'no_changes', 'No changes to save');
      fails(() => parsePatchBody({ name: 'A' }, 'A'), 'no_changes', 'No changes to save');
    });

    it('keeps the name read-only but tolerates it sent back unchanged', () => {
      fails(() => parsePatchBody({ name: 'B', value: 'x' }, 'A'), 'name_read_only');
      assert.deepEqual(parsePatchBody({ name: 'A', value: 'x' }, 'A'), { value: 'x' });
    });

    it('validates the value and description it is given', () => {
      fails(() => parsePatchBody({ value: '' }, 'A'), 'value_required', 'Secret value is required');
      assert.deepEqual(parsePatchBody({ description: '' }, 'A'), { description: '' });
      fails(() => parsePatchBody({ extra: 1 }, 'A'), 'unknown_field');
    });
  });

  describe('parseTokenBody', () => {
    it('needs a valid space for read tokens and none for admin tokens', () => {
      assert.deepEqual(parseTokenBody({ space: 'demo' }), { role: 'read', space: 'demo', description: '' });
      assert.deepEqual(parseTokenBody({ role: 'admin' }), { role: 'admin', space: null, description: '' });
      fails(() => parseTokenBody({}), 'space_required');
      fails(() => parseTokenBody({ space: 'a b' }), 'invalid_space');
      fails(() => parseTokenBody({ role: 'admin', space: 'demo' }), 'invalid_space');
      fails(() => parseTokenBody({ role: 'root', space: 'demo' }), 'invalid_role');
    });
  });

  it('sameValue compares pairs regardless of order', () => {
    assert.ok(sameValue({ a: '1', b: '2' }, { b: '2', a: '1' }));
    assert.ok(!sameValue({ a: '1' }, { a: '1', b: '2' }));
    assert.ok(!sameValue('x', { x: 'x' }));
    assert.ok(sameValue('x', 'x'));
  });
});
