// Small adapters of Node-RED's public API for the plugin's parts: preferences kept in the runtime settings, a node's status badge.
import { PREFERENCES_KEY } from '../core/preferences';
import type { PreferenceStore } from '../core/service';
import type { NodesLike, RedSettings } from './red-types';

/** The sidebar's choices (interval, sync on deploy), kept in Node-RED's runtime settings so they survive a restart. */
export function settingsPreferences(settings: RedSettings): PreferenceStore {
  return {
    load: () => {
      try {
        return settings.get(PREFERENCES_KEY);
      } catch {
        // Settings not loaded yet, or none saved: the configured values apply.
        return undefined;
      }
    },
    save: (value) => settings.set(PREFERENCES_KEY, value),
  };
}

/** Shows `text` as node `id`'s red badge (a node that lacks a referenced key); a node that cannot show one still has the warning in the log and the sidebar. */
export function nodeStatusOf(nodes: NodesLike): (id: string, text: string) => void {
  return (id, text) => {
    try {
      nodes.getNode(id)?.status?.({ fill: 'red', shape: 'ring', text });
    } catch {
      // No badge: the log line and the sidebar name the node.
    }
  };
}
