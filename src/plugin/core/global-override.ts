// Undoes a flow's global.set('SECRETS', …): such a value shadows the synced one in every context store.
import { SECRETS_KEY } from '../../shared/contract';
import type { PluginLogger } from './logger';

/** The global context as nodes see it (`node.context().global`). */
export interface GlobalContextLike {
  get(key: string, store?: string): unknown;
  set(key: string, value: unknown, store?: string): void;
}

/** The store names to check: every configured context store (aliases left out), or the default one. */
export function contextStores(contextStorage: unknown): (string | undefined)[] {
  if (typeof contextStorage !== 'object' || contextStorage === null) return [undefined];
  const names = Object.entries(contextStorage as Record<string, unknown>)
    .filter(([, value]) => typeof value !== 'string')
    .map(([name]) => name);
  return names.length > 0 ? names : [undefined];
}

/**
 * Removes values flows wrote under SECRETS, so global.get('SECRETS') serves the
 * synced snapshot again. Node-RED answers from a store first and from
 * functionGlobalContext after, so anything but `published` seen there is an override.
 * Returns the stores it cleaned.
 */
export function removeOverrides(global: GlobalContextLike, stores: (string | undefined)[], published: unknown, logger: PluginLogger): string[] {
  const cleaned: string[] = [];
  for (const store of stores) {
    try {
      const value = global.get(SECRETS_KEY, store);
      if (value === published || value === undefined) continue;
      global.set(SECRETS_KEY, undefined, store);
      cleaned.push(store ?? 'default');
    } catch {
      // A store that cannot answer synchronously cannot be checked here; it is checked again next sync.
    }
  }
  if (cleaned.length > 0) {
    logger.warn(`a flow overwrote global.SECRETS (context store: ${cleaned.join(', ')}); removed it so flows read the synced secrets again`);
  }
  return cleaned;
}
