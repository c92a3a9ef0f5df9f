// The fleet's wire names, shapes and bounds, shared by the plugin, its provider, the Secret Manager and its console: the identity header, its id rule, the usage report.

/** The header a plugin instance names itself with on every read: `<id>; name=<display name>; version=<plugin version>`. */
export const INSTANCE_HEADER = 'x-secret-sync-instance';

/** Who a plugin instance is, as its identity header says (`<id>; name=<display name>; version=<plugin version>`). */
export interface InstanceIdentity {
  id: string;
  name: string;
  version: string;
}

/** One entry of a usage report (`PUT /v1/spaces/{space}/instances/{id}/usage` `{ keys: [{ key, nodes }] }`): a key and how many nodes of the deployed flows use it. */
export interface KeyUsage {
  key: string;
  nodes: number;
}

/** What an instance id may be. */
export const INSTANCE_ID_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;

/** Sent on a read when the manager holds no usage report of that instance (new, or forgotten and back): the plugin then sends one. */
export const USAGE_WANTED_HEADER = 'x-secret-sync-usage-wanted';

/** On the answer to a usage report: the keys it named that the space does not have, comma-separated; they were dropped, not stored. */
export const USAGE_DROPPED_HEADER = 'x-secret-sync-usage-dropped';

/** The most nodes a usage report may count for one key: no Node-RED instance has more nodes than this. */
export const MAX_NODES_PER_KEY = 100_000;

/** The most keys one usage report names by default: the manager refuses more (its `usageKeys` limit), so the plugin sends the most used ones. */
export const USAGE_REPORT_MAX_KEYS = 1000;
