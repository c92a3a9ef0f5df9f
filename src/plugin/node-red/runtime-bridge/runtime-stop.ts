// How the plugin learns that the runtime stops for good: RED.stop() (told apart from the other full stops of the flows) and the HTTP server's close.
import { isRecord } from '../../../shared/guards';
import type { NodeRedApi, RedSettings } from '../red-types';

/** What a full, non-deploy stop of the flows may be, besides RED.stop(). */
export interface StopContext {
  /** settings' `runtimeFlowState`: `stop` after the admin API's "stop flows" (the runtime keeps serving; the flows may start again). */
  flowState: unknown;
  /** Whether the projects feature is on: a project switch stops the flows this way too, and starts them again at once. */
  projects: boolean;
}

/**
 * Whether a `runtime-state` event that followed a `flows:stopped` of type
 * `stoppedType` is RED.stop(). RED.stop() stops every flow (type `full`)
 * without a deploy (`deploy` unset); a full deploy says `deploy: true`, the
 * plugin's own restart and "modified" deploys are of type `nodes` or
 * `flows`. Two other paths look like RED.stop() and are left alone: the
 * admin API's "stop flows" and a project switch (README, "How the plugin
 * reaches into Node-RED").
 */
export function isRuntimeStop(stoppedType: unknown, event: unknown, context: StopContext): boolean {
  if (stoppedType !== 'full' || !isRecord(event) || event.id !== 'runtime-state' || !isRecord(event.payload)) return false;
  if (event.payload.state !== 'stop' || event.payload.deploy === true || event.payload.error !== undefined) return false;
  return context.flowState !== 'stop' && !context.projects;
}

function stopContext(settings: RedSettings): StopContext {
  let flowState: unknown;
  try {
    flowState = settings.get('runtimeFlowState');
  } catch {
    // Settings not loaded (or the key unknown): no "stop flows" happened.
  }
  const theme = isRecord(settings.editorTheme) ? settings.editorTheme : {};
  return { flowState, projects: isRecord(theme.projects) && theme.projects.enabled === true };
}

/**
 * Calls `onStop` when the runtime stops: RED.stop() (seen as `flows:stopped`
 * of type `full`, then the `runtime-state` event of that stop, which is the
 * only way a plugin learns of it) or the close of the HTTP server. Public
 * events only. Returns the undo.
 */
export function watchRuntimeStop(RED: Pick<NodeRedApi, 'events' | 'settings' | 'server'>, onStop: () => void): () => void {
  let stoppedType: unknown;
  const onStopped = (event: unknown): void => {
    stoppedType = isRecord(event) ? event.type : undefined;
  };
  const onRuntimeEvent = (event: unknown): void => {
    if (!isRecord(event) || event.id !== 'runtime-state') return;
    const type = stoppedType;
    stoppedType = undefined;
    if (isRuntimeStop(type, event, stopContext(RED.settings))) onStop();
  };
  RED.events.on('flows:stopped', onStopped);
  RED.events.on('runtime-event', onRuntimeEvent);
  RED.server?.once('close', onStop);
  return () => {
    RED.events.removeListener('flows:stopped', onStopped);
    RED.events.removeListener('runtime-event', onRuntimeEvent);
    RED.server?.removeListener('close', onStop);
  };
}
