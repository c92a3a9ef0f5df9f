// Loads node:sqlite without printing Node 22's one-off "SQLite is an experimental feature" warning.
import type * as SqliteModule from 'node:sqlite';

let loaded: typeof SqliteModule | undefined;

function isSqliteNotice(warning: Error): boolean {
  return warning.name === 'ExperimentalWarning' && warning.message.includes('SQLite');
}

/**
 * Returns the node:sqlite module. The warning is noise for operators of a service
 * that chose SQLite on purpose, so the existing warning listeners are wrapped to
 * skip exactly that one notice; every other warning still reaches them.
 */
export function loadSqlite(): typeof SqliteModule {
  if (loaded) return loaded;
  for (const listener of process.listeners('warning')) {
    process.removeListener('warning', listener);
    process.on('warning', (warning: Error) => {
      if (!isSqliteNotice(warning)) listener(warning);
    });
  }
  // A lazy require: a static import would load the module (and warn) before the listeners are wrapped.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  loaded = require('node:sqlite') as typeof SqliteModule;
  return loaded;
}
