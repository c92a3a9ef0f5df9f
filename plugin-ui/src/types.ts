// Shapes the sidebar reads from the plugin's admin API: the runtime's own types, so the two cannot drift apart.
export type { KeyEntry, SyncStatus as Status } from '../../src/plugin/core/status';
export { INTERVALS } from '../../src/plugin/core/intervals';
