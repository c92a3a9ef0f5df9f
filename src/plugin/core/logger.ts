// The plugin's one logger: every line prefixed `[secret-sync]`, through Node-RED's log. Callers pass names and codes only.

/** Levelled, prefixed logging used by every part of the plugin. */
export interface PluginLogger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** Wraps a levelled log (Node-RED's `RED.log`) so every line carries the plugin's prefix. */
export function createPluginLogger(log: PluginLogger): PluginLogger {
  const prefix = (m: string): string => `[secret-sync] ${m}`;
  return {
    debug: (m) => log.debug(prefix(m)),
    info: (m) => log.info(prefix(m)),
    warn: (m) => log.warn(prefix(m)),
    error: (m) => log.error(prefix(m)),
  };
}
