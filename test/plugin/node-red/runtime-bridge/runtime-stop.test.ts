// Tests for src/plugin/node-red/runtime-bridge/runtime-stop.ts: RED.stop() told apart from deploys, the plugin's own restarts, "stop flows" and project switches, by the events Node-RED emits.
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { watchRuntimeStop } from '../../../../src/plugin/node-red/runtime-bridge/runtime-stop';
import type { RedSettings } from '../../../../src/plugin/node-red/red-types';

/** What Node-RED's flows manager emits when it stops flows: `flows:stopped`, then the `runtime-state` event (README, "How the plugin reaches into Node-RED"). */
function stopFlows(events: EventEmitter, type: string, deploy?: boolean): void {
  events.emit('flows:stopped', { config: {}, type, diff: {} });
  events.emit('runtime-event', { id: 'runtime-state', payload: { state: 'stop', deploy }, retain: true });
}

function setup(settings: Partial<Record<string, unknown>> = {}): { events: EventEmitter; server: EventEmitter; stops: () => number; undo: () => void } {
  const events = new EventEmitter();
  const server = new EventEmitter();
  let stops = 0;
  const redSettings = {
    get: (key: string) => {
      if (key in settings) return settings[key];
      throw new Error('not set');
    },
    set: () => Promise.resolve(),
    editorTheme: settings.editorTheme,
  } as unknown as RedSettings;
  const red = {
    events: { on: events.on.bind(events), prependListener: events.prependListener.bind(events), removeListener: events.removeListener.bind(events) },
    settings: redSettings,
    server: { once: server.once.bind(server), removeListener: server.removeListener.bind(server), listeners: () => [] },
  };
  const undo = watchRuntimeStop(red, () => stops++);
  return { events, server, stops: () => stops, undo };
}

describe('plugin/node-red/runtime-bridge/runtime-stop', () => {
  it('sees RED.stop(): a full stop of the flows that is no deploy', () => {
    const { events, stops } = setup();
    stopFlows(events, 'full');
    assert.equal(stops(), 1);
  });

  it('does not take a full deploy, a modified-nodes deploy or the plugin\'s own restart of a few nodes for it', () => {
    const { events, stops } = setup();
    stopFlows(events, 'full', true);
    stopFlows(events, 'nodes', true);
    stopFlows(events, 'flows', true);
    stopFlows(events, 'nodes');
    assert.equal(stops(), 0);
  });

  it('does not take the admin API\'s "stop flows" for it (runtimeFlowState is stop: the runtime keeps serving)', () => {
    const { events, stops } = setup({ runtimeFlowState: 'stop' });
    stopFlows(events, 'full');
    assert.equal(stops(), 0);
  });

  it('does not take a project switch for it while projects are on (the flows start again at once)', () => {
    const { events, stops } = setup({ editorTheme: { projects: { enabled: true } } });
    stopFlows(events, 'full');
    assert.equal(stops(), 0);
  });

  it('ignores a runtime-state "stop" that no flows:stopped preceded (missing node types at start)', () => {
    const { events, stops } = setup();
    stopFlows(events, 'full', true);
    events.emit('runtime-event', { id: 'runtime-state', payload: { state: 'stop', error: 'missing-types' } });
    events.emit('runtime-event', { id: 'runtime-state', payload: { state: 'stop' } });
    assert.equal(stops(), 0);
  });

  it('sees the HTTP server close, and its undo removes every listener it added', () => {
    const { events, server, stops, undo } = setup();
    server.emit('close');
    assert.equal(stops(), 1);
    undo();
    assert.deepEqual([events.listenerCount('flows:stopped'), events.listenerCount('runtime-event'), server.listenerCount('close')], [0, 0, 0]);
    stopFlows(events, 'full');
    assert.equal(stops(), 1);
  });
});
