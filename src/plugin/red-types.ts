// The slice of Node-RED's `RED` API this package uses, typed in one place.
import type { RequestHandler, Router } from 'express';

/** `RED.log`. */
export interface RedLog {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** `RED.settings`: settings.js values as properties, plus the runtime's persistent get/set. */
export interface RedSettings {
  get(key: string): unknown;
  set(key: string, value: unknown): Promise<void>;
  readonly functionGlobalContext?: Record<string, unknown>;
  readonly secretSync?: unknown;
  readonly userDir?: string;
}

/** `RED.events`: the runtime event bus. */
export interface RedEvents {
  on(event: string, listener: (...args: unknown[]) => void): void;
  removeListener(event: string, listener: (...args: unknown[]) => void): void;
}

/** One node of the flow configuration as events carry it. */
export interface FlowNodeConfig {
  id: string;
  type: string;
  name?: string;
  z?: string;
}

/** Payload of `flows:started`. */
export interface FlowsStartedEvent {
  config?: { flows?: FlowNodeConfig[] };
  type?: string;
}

/** A runtime plugin definition for `RED.plugins.registerPlugin`. */
export interface PluginDefinition {
  type: string;
  onadd?: () => void;
  onremove?: () => void;
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
  /** The HTTP server Node-RED runs on; its 'close' is the plugin's cue to stop. */
  server?: { once(event: 'close', listener: () => void): void };
  version(): string;
}
