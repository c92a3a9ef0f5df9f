// The fleet's wire names, shared by the plugin's provider and the Secret Manager: the identity header, its id rule, the usage request.

/** The header a plugin instance names itself with on every read: `<id>; name=<display name>; version=<plugin version>`. */
export const INSTANCE_HEADER = 'x-secret-sync-instance';

/** What an instance id may be. */
export const INSTANCE_ID_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;

/** Sent on a read when the manager holds no usage report of that instance (new, or forgotten and back): the plugin then sends one. */
export const USAGE_WANTED_HEADER = 'x-secret-sync-usage-wanted';
