// Tests for src/manager/lib/logger.ts: the text lines as before, and JSON lines (one object a line, fields kept, core keys fixed).
import assert from 'node:assert/strict';
import { createLogger } from 'secret-sync-manager';
import { parseLogFormat } from 'secret-sync-manager/dist/logger';

function capture(format: 'text' | 'json', level: 'debug' | 'info' = 'info'): { lines: string[]; logger: ReturnType<typeof createLogger> } {
  const lines: string[] = [];
  return { lines, logger: createLogger({ level, format, sink: (_level, line) => lines.push(line) }) };
}

describe('manager/logger', () => {
  it('writes prefixed text lines by default, fields left out (the message says them)', () => {
    const { lines, logger } = capture('text');
    logger.info('GET /healthz 200 0.3ms', { method: 'GET', status: 200 });
    assert.match(lines[0] ?? '', /^\d{4}-\d\d-\d\dT[\d:.]+Z \[secret-manager\] info: GET \/healthz 200 0\.3ms$/);
  });

  it('writes one JSON object a line: time, level and msg first, then the fields', () => {
    const { lines, logger } = capture('json', 'debug');
    logger.debug('GET /v1/spaces/demo/secrets 304 0.1ms', { method: 'GET', route: '/v1/spaces/:space/secrets', status: 304, ms: 0.1 });
    logger.warn('plain');
    const entry = JSON.parse(lines[0] ?? '') as Record<string, unknown>;
    assert.deepEqual(Object.keys(entry), ['time', 'level', 'msg', 'method', 'route', 'status', 'ms']);
    assert.equal(entry.level, 'debug');
    assert.equal(entry.status, 304);
    assert.ok(!Number.isNaN(Date.parse(String(entry.time))));
    assert.deepEqual(Object.keys(JSON.parse(lines[1] ?? '') as object), ['time', 'level', 'msg']);
  });

  it('keeps a line one line whatever the message holds, and a field cannot replace time, level or msg', () => {
    const { lines, logger } = capture('json');
    logger.error('first\nsecond\r\n{"level":"info"}', { level: 'info', msg: 'forged', time: 'never', code: 'x' });
    assert.equal(lines.length, 1);
    assert.ok(!/[\r\n]/.test(lines[0] ?? ''));
    const entry = JSON.parse(lines[0] ?? '') as Record<string, unknown>;
    assert.equal(entry.level, 'error');
    assert.equal(entry.msg, 'first\nsecond\r\n{"level":"info"}');
    assert.notEqual(entry.time, 'never');
    assert.equal(entry.code, 'x');
  });

  it('drops lines below the level in either format; an unknown format is text', () => {
    const { lines, logger } = capture('json');
    logger.debug('hidden');
    assert.deepEqual(lines, []);
    assert.equal(parseLogFormat('JSON'), 'text');
    assert.equal(parseLogFormat('json'), 'json');
    assert.equal(parseLogFormat(undefined), 'text');
  });
});
