// Masks secrets in everything a flow prints, before it leaves the runtime: log lines, comms frames, node status, debug messages.
import type { Masker } from '../../core/masker';
import type { DeliveryEvent, NodeRedApi } from '../red-types';
import type { LogModule } from './loaded-modules';

/** The hook name of the debug-message mask (`RED.hooks`, public). */
export const DEBUG_HOOK = 'preDeliver.secret-sync';

/**
 * Every log message (node warn/error/log/debug/trace, uncaught errors of
 * function nodes, the runtime's own lines) masked in the log module's own
 * `log`, before any handler sees it. Returns the undo, which leaves a later
 * wrapper of someone else in place.
 */
export function maskLogs(log: LogModule, masker: () => Masker): () => void {
  const original = log.log;
  const masked = function maskedLog(this: unknown, message: unknown): void {
    original.call(this, masker().value(message));
  };
  log.log = masked;
  return () => {
    if (log.log === masked) log.log = original;
  };
}

/**
 * Comms frames (debug sidebar, notifications, event log) masked before they
 * are published or retained, and node status text in place, before the
 * editor and status nodes see it: listeners on `RED.events` put before
 * Node-RED's own. Returns the undo.
 */
export function maskPrints(events: NodeRedApi['events'], masker: () => Masker): () => void {
  const undo: (() => void)[] = [];
  const on = (event: string, listener: (payload: Record<string, unknown>) => void): void => {
    const wrapped = (...args: unknown[]): void => {
      const payload = args[0];
      if (typeof payload === 'object' && payload !== null) listener(payload as Record<string, unknown>);
    };
    // Prepended: Node-RED's own listeners (which publish to the editor) then see the masked payload.
    events.prependListener(event, wrapped);
    undo.push(() => events.removeListener(event, wrapped));
  };
  on('comms', (event) => (event.data = masker().value(event.data)));
  on('runtime-event', (event) => (event.payload = masker().value(event.payload)));
  on('event-log', (event) => (event.payload = masker().value(event.payload)));
  on('node-status', (event) => {
    // In place: the flow hands this very object to status nodes after the event.
    const status = event.status as { text?: unknown } | undefined;
    if (status && typeof status.text === 'string') status.text = masker().text(status.text);
  });
  return () => {
    for (const step of undo.reverse()) step();
  };
}

/** Messages on their way into debug nodes masked before Node-RED cuts long ones short: a `preDeliver` hook (public API). Returns the undo. */
export function maskDebugMessages(hooks: NodeRedApi['hooks'], masker: () => Masker): () => void {
  hooks.add(DEBUG_HOOK, (event: DeliveryEvent) => {
    if (event.destination.node.type === 'debug') event.msg = masker().value(event.msg);
  });
  return () => hooks.remove(DEBUG_HOOK);
}
