// A PluginLogger that keeps its lines in memory, for assertions and leak checks.
import type { PluginLogger } from '../../src/plugin/core/logger';

/** Returns a logger writing `level: message` lines into `lines`. */
export function memoryLogger(lines: string[] = []): PluginLogger {
  const push = (level: string) => (m: string) => {
    lines.push(`${level}: ${m}`);
  };
  return { debug: push('debug'), info: push('info'), warn: push('warn'), error: push('error') };
}
