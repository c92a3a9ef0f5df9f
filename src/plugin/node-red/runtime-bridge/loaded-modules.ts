// Finds, among the loaded modules, the pieces of Node-RED that no plugin API reaches: where `${…}` names are looked up last, the partial flow restart, the log module.
import type { RedLog } from '../red-types';

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

/** `@node-red/runtime/lib/nodes/credentials.js`: the credential definitions node types registered (`{ password: { type: 'password' } }`). */
export interface CredentialsModule {
  getDefinition: (type: string) => unknown;
}

/** The `@node-red/util` log module: every log call of the runtime and of nodes ends in its `log`. */
export interface LogModule {
  log: (this: unknown, message: unknown) => void;
}

/** Where loaded modules are found: `require.cache`, or a test's stand-in. */
export type ModuleCache = NodeJS.Dict<NodeJS.Module>;

/**
 * The loaded module whose file path matches `path` and whose exports pass
 * `check`. Node-RED is loaded once per process, so its modules are in
 * `require.cache`; a version that moved them gives undefined (the bridge
 * reports the hook unavailable).
 */
export function loadedModule<T>(path: RegExp, check: (exports: Record<string, unknown>) => boolean, cache: ModuleCache = require.cache): T | undefined {
  for (const [file, entry] of Object.entries(cache)) {
    const exports = entry?.exports as Record<string, unknown> | undefined;
    if (exports && path.test(file) && check(exports)) return exports as T;
  }
  return undefined;
}

/** Node-RED's flows utilities, or undefined when not found. */
export function flowsUtilModule(cache?: ModuleCache): FlowsUtilModule | undefined {
  return loadedModule<FlowsUtilModule>(/[\\/]@node-red[\\/]runtime[\\/]lib[\\/]flows[\\/]util\.js$/, (e) => typeof e.getEnvVar === 'function' && typeof e.mapEnvVarProperties === 'function', cache);
}

/** Node-RED's flows manager, or undefined when not found. */
export function flowsModule(cache?: ModuleCache): FlowsModule | undefined {
  return loadedModule<FlowsModule>(/[\\/]@node-red[\\/]runtime[\\/]lib[\\/]flows[\\/]index\.js$/, (e) => typeof e.stopFlows === 'function' && typeof e.startFlows === 'function', cache);
}

/** Node-RED's credentials store, or undefined when not found. */
export function credentialsModule(cache?: ModuleCache): CredentialsModule | undefined {
  return loadedModule<CredentialsModule>(/[\\/]@node-red[\\/]runtime[\\/]lib[\\/]nodes[\\/]credentials\.js$/, (e) => typeof e.getDefinition === 'function' && typeof e.export === 'function', cache);
}

/**
 * The one log module behind `RED.log`. Node-RED hands plugins a copy of its
 * members, and its handlers (console first) are called in order with one
 * shared message object, so masking must happen in the module's own `log`,
 * before any handler. It is found by identity: the loaded module whose
 * `addHandler` is the very function `RED.log` carries.
 */
export function logModule(log: RedLog, cache: ModuleCache = require.cache): LogModule | undefined {
  for (const entry of Object.values(cache)) {
    const exports = entry?.exports as (Partial<LogModule> & { addHandler?: unknown }) | undefined;
    if (exports && log.addHandler !== undefined && exports.addHandler === log.addHandler && typeof exports.log === 'function') return exports as LogModule;
  }
  return undefined;
}
