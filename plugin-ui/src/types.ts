// Shapes of the plugin's admin API answers, as the sidebar reads them (no secret values ever).

/** `GET secret-sync/status`. */
export interface Status {
  state: 'unconfigured' | 'syncing' | 'ok' | 'error';
  space: string | null;
  provider: string;
  version: number | null;
  keyCount: number;
  lastSyncAt: string | null;
  lastAttemptAt: string | null;
  nextSyncAt: string | null;
  consecutiveFailures: number;
  error: { code: string; message: string } | null;
  interval: string;
  syncOnDeploy: boolean;
  legacyNodes: { id: string; type: string; name: string; z: string }[];
  skippedKeys?: { key: string; reason: string }[];
}

/** One entry of `GET secret-sync/keys`. */
export interface KeyEntry {
  key: string;
  masked: string;
  fields?: string[];
}

/** Every interval of SPEC §2, in menu order. */
export const INTERVALS = ['off', 'watch', '1m', '5m', '15m', '30m', '60m', '6h', '12h', '24h'] as const;
