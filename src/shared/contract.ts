// The one contract between the runtime plugin, the package's nodes and the editor bundle: ids, topics, permissions, routes, shapes.
// Browser-safe: imports nothing, so the editor bundle compiles it as it is.

/**
 * The palette package's npm name (scoped, as Node-RED's packaging guide asks of
 * new packages): the editor serves its files under `resources/{PACKAGE_NAME}/`,
 * its message catalog is `{PACKAGE_NAME}/secret-sync`, its examples are listed
 * under it. `plugin-ui/secret-sync.html` spells it too (a test checks both
 * against package.json).
 */
export const PACKAGE_NAME = '@secret-sync/node-red-secret-sync';

/** The global context key flows read the secrets from (`global.get('SECRETS')`, `${SECRETS.KEY}`): its one spelling in code. */
export const SECRETS_KEY = 'SECRETS';

/** The id the plugin registers under (runtime and editor); nodes look it up with `RED.plugins.get(PLUGIN_ID)`. */
export const PLUGIN_ID = 'secret-sync';

/** Comms topics, runtime → editor. */
export const TOPICS = {
  /** The status, retained for editors that connect later. */
  status: 'secret-sync/status',
  /** "Secrets changed" notices: counts only ({@link SecretsChangedNotice}); the editor reloads the key list. */
  changed: 'secret-sync/changed',
  /** Nodes restarted after keys they reference changed (names and ids only). */
  restarted: 'secret-sync/restarted',
  /** The deployed flows were scanned again: `{ count }` only; the editor asks {@link ROUTES.findings} for the list. */
  findings: 'secret-sync/findings',
} as const;

/** Node-RED permissions of the admin API: `read` for GET, `write` for the rest. */
export const PERMISSIONS = { read: 'secret-sync.read', write: 'secret-sync.write' } as const;

/** Admin API routes, relative to Node-RED's httpAdminRoot (README, "Admin API"). */
export const ROUTES = {
  restart: 'secret-sync/restart',
  status: 'secret-sync/status',
  keys: 'secret-sync/keys',
  sync: 'secret-sync/sync',
  preferences: 'secret-sync/preferences',
  findings: 'secret-sync/findings',
  move: 'secret-sync/move',
} as const;

/** The editor action that runs "Sync now". */
export const SYNC_ACTION = 'secret-sync:sync-now';

/** Node types of this package. The legacy type name never changes, so old flows keep loading. */
export const NODE_TYPES = { legacy: 'secret-manager', secretsChanged: 'secrets-changed' } as const;

/** The sync intervals an admin can pick. */
export const INTERVALS = ['off', 'watch', '1m', '5m', '15m', '30m', '60m', '6h', '12h', '24h'] as const;
/** One of {@link INTERVALS}. */
export type Interval = (typeof INTERVALS)[number];
/** The interval until an admin picks another. */
export const DEFAULT_INTERVAL: Interval = '60m';

/** Whether `value` is one of {@link INTERVALS}. */
export function isInterval(value: unknown): value is Interval {
  return typeof value === 'string' && (INTERVALS as readonly string[]).includes(value);
}

/** Most names a status list carries (`skippedKeys`, `unmaskedKeys`): every status frame stays small whatever a server sends; the full count is beside it. */
export const STATUS_LIST_MAX = 100;

/** What every value is shown as: a fixed width, so not even the length leaks. */
export const MASK = '••••••••';

/** A legacy `secret-manager` node found in the flows. */
export interface LegacyNode {
  id: string;
  type: string;
  name: string;
  z: string;
}

/** A node of the deployed flows that references a secret (`${SECRETS.KEY}` in a property or credential). */
export interface ReferringNode {
  id: string;
  type: string;
  name?: string;
  z?: string;
}

/** A reference the space has no value for: its nodes got an empty value. */
export interface MissingReference {
  /** `SECRETS.KEY` or `SECRETS.KEY.field`. */
  reference: string;
  nodes: ReferringNode[];
}

/** The secret references of the deployed flows (README, "Secrets in any node property"). */
export interface ReferencesStatus {
  missing: MissingReference[];
  /** The last restart of nodes after keys they reference changed. */
  restarted: { at: string; keys: string[]; nodes: ReferringNode[] } | null;
  /** Nodes that use a changed key and wait for "Restart affected nodes" (restartOnChange off, or no restart possible). */
  pending: ReferringNode[];
  /** Why `${SECRETS.KEY}` cannot resolve in this Node-RED, or null when it can. */
  unavailable: string | null;
}

/**
 * Where the plugin reaches into Node-RED (README, "How the plugin reaches into
 * Node-RED"): `globalSecrets` (global.SECRETS in settings.js
 * functionGlobalContext), `variables` (`${SECRETS.KEY}` in node properties),
 * `restart` (restarting the nodes that use a changed key), `logMask`,
 * `printMask` (comms frames, node status) and `debugMask` (messages into debug
 * nodes), `contextGuard` (the context API), `adminRoutes` (this plugin's admin
 * API, removable on stop).
 */
export const HOOK_NAMES = ['globalSecrets', 'variables', 'restart', 'logMask', 'printMask', 'debugMask', 'contextGuard', 'adminRoutes'] as const;
/** One of {@link HOOK_NAMES}. */
export type HookName = (typeof HOOK_NAMES)[number];
/** `installed`: in place; `unavailable`: this Node-RED or its Express lacks what the hook needs, so what it does is missing (the sidebar says what); `off`: not wanted (`maskDebug` off, no admin API) or removed by a stop. */
export type HookState = 'installed' | 'unavailable' | 'off';
/** Which hooks took, by name. */
export type HooksStatus = Record<HookName, HookState>;

/** What went wrong with the last sync: a snake_case code and a message in plain words, never a value. */
export interface SyncErrorInfo {
  code: string;
  message: string;
  /** When the sync gave up on time (`sync_timeout`) or retries: the code of the last attempt's error (`rate_limited`, `timeout`, …). */
  cause?: string;
}

/**
 * The `watch` interval's long polls (README, "Configuring the plugin"). `degraded`:
 * the last long poll was refused or failed, so changes arrive only when it is
 * retried (each retry also syncs); back to `live` as soon as a long poll is accepted.
 */
export interface WatchStatus {
  state: 'live' | 'degraded';
  /** When the current state began (ISO time). */
  since: string;
  /** Why it is degraded: the server's own code (`too_many_waiters`, …) or the plugin's (`rate_limited`, `unreachable`, …); null while live. */
  code: string | null;
  /** The refusal in plain words; null while live. */
  message: string | null;
  /** When the long poll is tried again (ISO time, the server's Retry-After honoured up to a bound); null while live. */
  nextRetryAt: string | null;
  /** Long polls refused or failed in a row. */
  failures: number;
}

/** The state of syncing: what the engine knows of the last syncs. */
export interface SyncState {
  state: 'unconfigured' | 'syncing' | 'ok' | 'error';
  version: number | null;
  keyCount: number;
  lastSyncAt: string | null;
  lastAttemptAt: string | null;
  consecutiveFailures: number;
  error: SyncErrorInfo | null;
  /** Keys the last payload had that flows cannot address safely: names and reasons, never values; at most {@link STATUS_LIST_MAX}. */
  skippedKeys: { key: string; reason: string }[];
  /** How many keys were skipped in all. */
  skippedKeyCount: number;
}

/** `GET secret-sync/status`: the sync state plus the settings in force; never a value. */
export interface SyncStatus extends SyncState {
  space: string | null;
  provider: string;
  /** The address that answered last (one node of a Vault cluster), or null before any answer. */
  address: string | null;
  nextSyncAt: string | null;
  interval: Interval;
  syncOnDeploy: boolean;
  legacyNodes: LegacyNode[];
  /** `KEY` or `KEY.field` of values too short to be masked in debug, logs and the context API (README, "What is masked"); at most {@link STATUS_LIST_MAX}. */
  unmaskedKeys: string[];
  /** How many values are too short to be masked in all. */
  unmaskedKeyCount: number;
  references: ReferencesStatus;
  /** Which hooks into Node-RED took (README, "How the plugin reaches into Node-RED"). */
  hooks: HooksStatus;
  /** The long polls of the `watch` interval; null when the interval is another or the provider cannot long-poll. */
  watch: WatchStatus | null;
}

/**
 * Whether the search `needle` (lower case) is in `key`, or with `field` in
 * `KEY.field`: what `GET secret-sync/keys?q=` matches, so searching `password`
 * finds `MQTT` by its pair; the sidebar marks the matching pairs with it.
 */
export function keyMatches(needle: string, key: string, field?: string): boolean {
  return (field === undefined ? key : `${key}.${field}`).toLowerCase().includes(needle);
}

/** One entry of `GET secret-sync/keys`. */
export interface KeyEntry {
  key: string;
  masked: string;
  /** Sub-key names of a multi-pair secret. */
  fields?: string[];
}

/** Names of keys added, changed and removed by a sync (names only, never values); shared by every listener, so read-only. */
export interface SecretsDiff {
  readonly added: readonly string[];
  readonly changed: readonly string[];
  readonly removed: readonly string[];
}

/** Sent to "secrets changed" nodes (and other listeners of the plugin API) after a sync that changed the secrets; the editor gets its counts ({@link SecretsChangedNotice}). */
export interface SecretsChangedEvent extends SecretsDiff {
  version: number | null;
}

/**
 * Sent on {@link TOPICS.changed} after a sync that changed the secrets: how
 * many keys, never their names. The editor only reloads its key list on it, and
 * a mass rotation's frame stays a few bytes, to every editor, whatever the
 * space's size ("secrets changed" nodes get the names, in the runtime).
 */
export interface SecretsChangedNotice {
  version: number | null;
  addedCount: number;
  changedCount: number;
  removedCount: number;
}

/** The comms notice of a change: its counts. */
export function changedNotice(event: SecretsChangedEvent): SecretsChangedNotice {
  return { version: event.version, addedCount: event.added.length, changedCount: event.changed.length, removedCount: event.removed.length };
}

/** What the runtime plugin offers the package's nodes through `RED.plugins.get(PLUGIN_ID)`. */
export interface SecretSyncPluginApi {
  /** Runs a sync now (joins a running one) and resolves with the status after it; never rejects. */
  sync(trigger: 'legacy-node'): Promise<SyncStatus>;
  /** Calls `listener` after every sync that changed the secrets (key names only); returns the unsubscribe function. */
  onChanged(listener: (event: SecretsChangedEvent) => void): () => void;
}

/**
 * Why a node property was flagged as a pasted credential (README, "Move existing credentials"):
 * `password-field`: a credential of type password holding a literal, not a `${…}` reference;
 * `credential-shape`: a value with a known credential shape (a detector rule id follows in `detail`);
 * `named-literal`: a high-entropy literal in a field named like password, token, secret, key or authorization;
 * `synced-value`: a literal equal to the value of a synced secret.
 */
export const FINDING_RULES = ['password-field', 'credential-shape', 'named-literal', 'synced-value'] as const;
/** One of {@link FINDING_RULES}. */
export type FindingRule = (typeof FINDING_RULES)[number];

/** Most findings `GET secret-sync/findings` lists; `count` beside it is the full number. */
export const FINDINGS_MAX = 500;

/**
 * A credential pasted into a deployed node: where it is, never a value nor a part of one.
 * `property` is a path into the node: `credentials.password`, `url`, `headers.0.value`, `rules.1.to`, `func`.
 */
export interface Finding {
  id: string;
  type: string;
  name: string;
  /** The tab (or subflow) holding the node; '' for a config node with no tab. */
  z: string;
  property: string;
  rule: FindingRule;
  /**
   * Names only: for `credential-shape` the detector's rule (`github`, `aws`, `slack`, `basicauth`, `url-password`, …);
   * for `synced-value` the synced key (`KEY` or `KEY.field`) the whole property equals, when it equals one.
   */
  detail?: string;
  /** The 1-based line in code properties (`func`, `template`), which are never rewritten: the user pastes the replacement. */
  line?: number;
  /** Whether `POST secret-sync/move` can replace this property (false for code, where the editor shows a replacement to paste). */
  movable: boolean;
}

/** `GET secret-sync/findings`. */
export interface FindingsAnswer {
  findings: Finding[];
  /** How many in all (the list stops at {@link FINDINGS_MAX}). */
  count: number;
  /** When the deployed flows were last scanned (ISO time), or null before the first scan. */
  scannedAt: string | null;
  /** Present when a bound of the scan left some properties of very large flows unread (README, "Move existing credentials"). */
  limited?: true;
}

/** `POST secret-sync/move`: the body. `credential` may write to the provider; it is used for this one request, never stored, logged or sent back. */
export interface MoveRequest {
  id: string;
  property: string;
  /** For a finding in code (`movable` false), its `line`: the secret is made from the credential on that line and the answer is the replacement to paste. */
  line?: number;
  name: string;
  scope: 'space' | 'org';
  credential: string;
}

/** `POST secret-sync/move`: the answer; the editor puts `reference` into the property as one undoable change. */
export interface MoveAnswer {
  /** `${SECRETS.NAME}` for properties; for code, the replacement to paste: `env.get('SECRETS.NAME')`. */
  reference: string;
  name: string;
  scope: 'space' | 'org';
  /** True when the secret already held this very value (nothing was written). */
  existed: boolean;
}
