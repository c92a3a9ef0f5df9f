// Masks secrets in everything a flow prints, before it leaves the runtime: log handlers, comms frames, node status, debug messages.
import type { Masker } from '../core/masker';
import type { DeliveryEvent, NodeRedApi, RedLog } from './red-types';

/** The hook name of the debug-message mask. */
const DEBUG_HOOK = 'preDeliver.secret-sync';

/** The `@node-red/util` log module: every log call of the runtime and of nodes ends in its `log`. */
interface LogModule {
  log: (this: unknown, message: unknown) => void;
}

/**
 * Finds the one log module behind `RED.log`. Node-RED hands plugins a copy of
 * its members, and its handlers (console first) are called in order with one
 * shared message object, so masking must happen in the module's own `log`,
 * before any handler. It is found by identity: the loaded module whose
 * `addHandler` is the very function `RED.log` carries.
 */
export function findLogModule(log: RedLog, cache: NodeJS.Dict<NodeJS.Module> = require.cache): LogModule | undefined {
  for (const entry of Object.values(cache)) {
    const exports = entry?.exports as Partial<LogModule> & { addHandler?: unknown } | undefined;
    if (exports && exports.addHandler === log.addHandler && typeof exports.log === 'function') return exports as LogModule;
  }
  return undefined;
}

/** What {@link maskPrintPaths} could not cover, for the caller to warn about. */
export interface PrintMasks {
  undo: () => void;
  /** False when the log module was not found: log handlers then see values. */
  logs: boolean;
}

/**
 * Masks, with `masker()` of the current snapshot:
 * - every log message (node warn/error/log/debug/trace, uncaught errors of
 *   function nodes, the runtime's own lines) before any log handler;
 * - every comms frame (debug sidebar, notifications, event log) before it is
 *   published or retained;
 * - node status text, in place, before the editor and status nodes see it;
 * - messages on their way into debug nodes, before Node-RED truncates them.
 * Returns the undo of all four.
 */
export function maskPrintPaths(RED: NodeRedApi, masker: () => Masker): PrintMasks {
  const undo: (() => void)[] = [];
  const logModule = findLogModule(RED.log);
  if (logModule) {
    const original = logModule.log;
    const masked = function maskedLog(this: unknown, message: unknown): void {
      original.call(this, masker().value(message));
    };
    logModule.log = masked;
    undo.push(() => {
      if (logModule.log === masked) logModule.log = original;
    });
  }
  const on = (event: string, listener: (payload: Record<string, unknown>) => void): void => {
    const wrapped = (...args: unknown[]): void => {
      const payload = args[0];
      if (typeof payload === 'object' && payload !== null) listener(payload as Record<string, unknown>);
    };
    // Prepended: Node-RED's own listeners (which publish to the editor) then see the masked payload.
    RED.events.prependListener(event, wrapped);
    undo.push(() => RED.events.removeListener(event, wrapped));
  };
  on('comms', (event) => (event.data = masker().value(event.data)));
  on('runtime-event', (event) => (event.payload = masker().value(event.payload)));
  on('event-log', (event) => (event.payload = masker().value(event.payload)));
  on('node-status', (event) => {
    // In place: the flow hands this very object to status nodes after the event.
    const status = event.status as { text?: unknown } | undefined;
    if (status && typeof status.text === 'string') status.text = masker().text(status.text);
  });
  RED.hooks.add(DEBUG_HOOK, (event: DeliveryEvent) => {
    if (event.destination.node.type === 'debug') event.msg = masker().value(event.msg);
  });
  undo.push(() => RED.hooks.remove(DEBUG_HOOK));
  return {
    logs: logModule !== undefined,
    undo: () => {
      for (const step of undo.reverse()) step();
    },
  };
}
