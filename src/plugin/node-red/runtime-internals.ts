// The pieces of Node-RED's runtime that no plugin API reaches: where `${…}` names are looked up last, the partial flow restart, the default context store.

/** `@node-red/runtime/lib/flows/util.js`: `getEnvVar(name)` answers a `${name}` that no flow, group or global env defined. */
export interface FlowsUtilModule {
  getEnvVar: (name: string) => unknown;
}

/** A deploy diff, as `stopFlows`/`startFlows` take it. */
export interface FlowsDiff {
  added: string[];
  changed: string[];
  removed: string[];
  rewired: string[];
  linked: string[];
  flowChanged: string[];
}

/** `@node-red/runtime/lib/flows/index.js`: stopping and starting the nodes of a diff is what a "modified nodes" deploy does. */
export interface FlowsModule {
  stopFlows: (type: string, diff: FlowsDiff, muteLog?: boolean) => Promise<unknown>;
  startFlows: (type: string, diff: FlowsDiff, muteLog?: boolean) => Promise<unknown>;
}

/**
 * The loaded module whose file path matches `path` and whose exports pass
 * `check`. Node-RED is loaded once per process, so its modules are in
 * `require.cache`; a version that moved them gives undefined (callers warn).
 */
export function loadedModule<T>(path: RegExp, check: (exports: Record<string, unknown>) => boolean, cache: NodeJS.Dict<NodeJS.Module> = require.cache): T | undefined {
  for (const [file, entry] of Object.entries(cache)) {
    const exports = entry?.exports as Record<string, unknown> | undefined;
    if (exports && path.test(file) && check(exports)) return exports as T;
  }
  return undefined;
}

/** `@node-red/runtime/lib/nodes/context/index.js`: the context stores and which is the default. */
export interface ContextModule {
  listStores: () => { default?: unknown; stores?: unknown };
}

/** Node-RED's context module, or undefined when not found. */
export function contextModule(): ContextModule | undefined {
  return loadedModule<ContextModule>(/[\\/]@node-red[\\/]runtime[\\/]lib[\\/]nodes[\\/]context[\\/]index\.js$/, (e) => typeof e.listStores === 'function' && typeof e.getFlowContext === 'function');
}

/** Node-RED's flows utilities, or undefined when not found. */
export function flowsUtilModule(): FlowsUtilModule | undefined {
  return loadedModule<FlowsUtilModule>(/[\\/]@node-red[\\/]runtime[\\/]lib[\\/]flows[\\/]util\.js$/, (e) => typeof e.getEnvVar === 'function' && typeof e.mapEnvVarProperties === 'function');
}

/** Node-RED's flows manager, or undefined when not found. */
export function flowsModule(): FlowsModule | undefined {
  return loadedModule<FlowsModule>(/[\\/]@node-red[\\/]runtime[\\/]lib[\\/]flows[\\/]index\.js$/, (e) => typeof e.stopFlows === 'function' && typeof e.startFlows === 'function');
}

/**
 * Makes `${SECRETS.KEY}` resolve through Node-RED's own substitution: the
 * last lookup of a `${name}` (after node, group, flow and global env) asks
 * `resolve` first for names it claims. Returns the undo.
 */
export function claimVariables(util: FlowsUtilModule, resolve: (name: string) => { claimed: boolean; value?: string }): () => void {
  const original = util.getEnvVar;
  const patched = (name: string): unknown => {
    const answer = typeof name === 'string' ? resolve(name) : { claimed: false };
    return answer.claimed ? answer.value : original(name);
  };
  util.getEnvVar = patched;
  return () => {
    if (util.getEnvVar === patched) util.getEnvVar = original;
  };
}

/** Restarts exactly `ids`, as a "modified nodes" deploy of them would: stop, then start with their current configuration. */
export async function restartNodes(flows: FlowsModule, ids: readonly string[]): Promise<void> {
  const diff: FlowsDiff = { added: [], changed: [...ids], removed: [], rewired: [], linked: [], flowChanged: [] };
  await flows.stopFlows('nodes', diff, true);
  await flows.startFlows('nodes', diff, true);
}
