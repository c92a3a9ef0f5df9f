// The slice of Node-RED's `RED` API this package uses, typed in one place.
import type { RequestHandler, Router } from 'express';
import type { FlowNodeConfig } from '../core/flow-nodes';

/** What `node.context().global` offers, as far as this package uses it. */
export interface RedGlobalContext {
  get(key: string, store?: string): unknown;
  set(key: string, value: unknown, store?: string): void;
}

/** The slice of `RED.nodes` needed to reach the global context through any deployed node. */
export interface NodesLike {
  eachNode(callback: (config: { id: string }) => void): void;
  getNode(id: string): { context(): { global: RedGlobalContext }; status?(status: { fill?: string; shape?: string; text?: string }): void } | null;
  /** A node's stored credentials, as deployed (a reference stays a reference). */
  getCredentials?(id: string): unknown;
}

/** `RED.log`. */
export interface RedLog {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  /** Writes an audit event, with the user and the request when given (as Node-RED's own admin API does). */
  audit(event: Record<string, unknown>, req?: unknown): void;
  /** Present on the real `RED.log` (a copy of the log module's members); used to find that module. */
  addHandler?: unknown;
}

/** `RED.settings`: settings.js values as properties, plus the runtime's persistent get/set. */
export interface RedSettings {
  get(key: string): unknown;
  set(key: string, value: unknown): Promise<void>;
  readonly functionGlobalContext?: Record<string, unknown>;
  readonly secretSync?: unknown;
  readonly userDir?: string;
  readonly httpAdminRoot?: string | false;
  readonly contextStorage?: unknown;
  /** `false` hides settings.js globals from the context API's listings. */
  readonly exportGlobalContextKeys?: boolean;
  /** The editor's settings; `projects.enabled` turns the projects feature on. */
  readonly editorTheme?: unknown;
}

/** `RED.events`: the runtime event bus. */
export interface RedEvents {
  on(event: string, listener: (...args: unknown[]) => void): void;
  prependListener(event: string, listener: (...args: unknown[]) => void): void;
  removeListener(event: string, listener: (...args: unknown[]) => void): void;
}

/** Payload of `flows:started`. */
export interface FlowsStartedEvent {
  config?: { flows?: FlowNodeConfig[] };
  type?: string;
}

/** The event of the `preDeliver` hook: replacing `msg` changes what the destination receives. */
export interface DeliveryEvent {
  msg: unknown;
  destination: { id: string; node: { type: string } };
}

/** A runtime plugin definition for `RED.plugins.registerPlugin`; extra members are the plugin's API for nodes. */
export interface PluginDefinition {
  type: string;
  onadd?: () => void;
  onremove?: () => void;
  [member: string]: unknown;
}

/** A node instance, as far as this package's nodes use it. */
export interface RedNode {
  id: string;
  on(event: 'input', listener: (msg: Record<string, unknown>, send: (msg: unknown) => void, done: (err?: Error) => void) => void): void;
  on(event: 'close', listener: (done: () => void) => void): void;
  send(msg: unknown): void;
  status(status: { fill?: 'red' | 'green' | 'yellow' | 'blue' | 'grey'; shape?: 'dot' | 'ring'; text?: string }): void;
  warn(message: string): void;
}

/** The `RED` given to node modules. */
export interface NodeRedNodesApi {
  nodes: {
    createNode(node: object, config: object): void;
    registerType(type: string, constructor: (this: RedNode, config: Record<string, unknown>) => void): void;
  };
  plugins: { get(id: string): unknown };
  _(key: string, params?: Record<string, unknown>): string;
}

/** The parts of `RED` given to a plugin's module function. */
export interface NodeRedApi {
  log: RedLog;
  settings: RedSettings;
  events: RedEvents;
  comms: { publish(topic: string, data: unknown, retain: boolean): void };
  plugins: { registerPlugin(id: string, definition: PluginDefinition): void };
  auth: { needsPermission(permission: string): RequestHandler };
  httpAdmin: Router;
  nodes: NodesLike;
  hooks: { add(name: string, hook: (event: DeliveryEvent) => void): void; remove(name: string): void };
  /** Node-RED's utilities; the context key parser is the one its runtime uses. */
  util: { normalisePropertyExpression(path: string): unknown[] };
  /** The HTTP server Node-RED runs on; its 'close' is the plugin's cue to stop. */
  server?: {
    once(event: 'close', listener: () => void): void;
    removeListener(event: 'close', listener: () => void): void;
    listeners(event: 'request'): unknown[];
  };
  version(): string;
}
