// Message lookup in the plugin's catalog (plugin-ui/locales/<lang>/secret-sync.json).

const NAMESPACE = 'node-red-contrib-secret-sync/secret-sync';

/** Translates `key` of the sidebar catalog. */
export function t(key: string, params?: Record<string, unknown>): string {
  return RED._(`${NAMESPACE}:${key}`, params);
}
