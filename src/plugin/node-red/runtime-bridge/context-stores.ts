// Node-RED's context stores as settings.js configures them (`contextStorage`, public settings): which to check for a flow's copy of SECRETS, and which is the default.
import { isRecord } from '../../../shared/guards';

/** The store names to check: every configured context store (aliases left out), or the default one. */
export function contextStores(contextStorage: unknown): (string | undefined)[] {
  if (!isRecord(contextStorage)) return [undefined];
  const names = Object.entries(contextStorage)
    .filter(([, value]) => typeof value !== 'string')
    .map(([name]) => name);
  return names.length > 0 ? names : [undefined];
}

/**
 * The store Node-RED lists settings.js globals under (its default store),
 * worked out from `contextStorage` by Node-RED's documented rule instead of
 * asked of its context module: no stores is `memory`; a `default` that names
 * another store is that store; a `default` store is `default`; otherwise the
 * first store listed (`_` is reserved and skipped).
 */
export function defaultContextStore(contextStorage: unknown): string {
  if (!isRecord(contextStorage) || Object.keys(contextStorage).length === 0) return 'memory';
  const chosen = contextStorage.default;
  if (typeof chosen === 'string') return chosen;
  if (chosen !== undefined) return 'default';
  return Object.keys(contextStorage).find((name) => name !== '_') ?? 'memory';
}
