// Message lookup in the plugin's catalog (plugin-ui/locales/<lang>/secret-sync.json).
import { PACKAGE_NAME, PLUGIN_ID } from '../../src/shared/contract';

const NAMESPACE = `${PACKAGE_NAME}/${PLUGIN_ID}`;

/**
 * Translates `key` of the sidebar catalog. The result is plain text: the
 * editor's i18next does not escape interpolated values, so it goes into the
 * DOM with jQuery's `.text()` or through notify.ts, never as HTML.
 */
export function t(key: string, params?: Record<string, unknown>): string {
  return RED._(`${NAMESPACE}:${key}`, params);
}
