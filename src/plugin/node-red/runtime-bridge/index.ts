// The one bridge to Node-RED's and Express's internals: installs every hook, reports which took, holds the current publication they read, and undoes them all on every stop path.
import { HOOK_NAMES } from '../../../shared/contract';
import type { HookName, HookState, HooksStatus } from '../../../shared/contract';
import type { SyncError } from '../../../shared/sync-error';
import type { FlowNodeConfig } from '../../core/flow-nodes';
import type { PluginLogger } from '../../core/logger';
import { EMPTY_PUBLICATION } from '../../core/publication';
import type { Publication } from '../../core/publication';
import { VARIABLES_UNAVAILABLE } from '../../core/secret-references';
import { claimVariable } from '../../core/references';
import type { FlowsStartedEvent, NodeRedApi } from '../red-types';
import { guardContextApi } from './context-guard';
import { contextStores, defaultContextStore } from './context-stores';
import { removableRoutes } from './express-layers';
import { GlobalSecrets, findGlobalContext, removeOverrides } from './global-secrets';
import { credentialsModule, flowsModule, flowsUtilModule, logModule } from './loaded-modules';
import type { CredentialsModule, FlowsModule, FlowsUtilModule, LogModule } from './loaded-modules';
import { restartNodes } from './node-restart';
import { maskDebugMessages, maskLogs, maskPrints } from './print-masks';
import { watchRuntimeStop } from './runtime-stop';
import { claimVariables } from './variables';

/** How the bridge is set up. */
export interface BridgeOptions {
  logger: PluginLogger;
  /** Mask secret values in logs, comms frames, node status and debug messages (`maskDebug`). */
  maskPrints: boolean;
}

/** What the plugin hands the bridge to install. */
export interface BridgeParts {
  /** Every start of the flows: the deployed configuration, and whether it was the bridge's own restart of a few nodes (no deploy). */
  flowsStarted: (flows: readonly FlowNodeConfig[], ownRestart: boolean) => void;
  /** Registers this plugin's admin routes on `RED.httpAdmin`. */
  adminRoutes: () => void;
  /** The runtime stopped (RED.stop(), the HTTP server closed): the plugin stops, and undoes the bridge. */
  onStop: () => void;
}

/** An available hook with nothing to undo: global.SECRETS is data (the last value stays for flows), a restart is a call. */
const NOTHING_TO_UNDO = (): void => undefined;

/** Why each hook cannot work, as the log says it once at start (README, "How the plugin reaches into Node-RED"). */
const CONSEQUENCE: Partial<Record<HookName, string>> = {
  variables: VARIABLES_UNAVAILABLE,
  restart: "this Node-RED's runtime could not be hooked to restart nodes: nodes that read a changed secret as they start keep the old value until the next deploy",
  logMask: "could not find Node-RED's log module: secret values in log lines are not masked",
  contextGuard: 'could not guard the context API (no Express admin app found): GET /context/global/SECRETS may show values; restrict context.read to trusted users',
  adminRoutes: "could not find the admin app's router: the Secret Sync admin routes stay until Node-RED's process ends",
};

/**
 * Every touch of Node-RED or Express that no public API offers goes through
 * here, and so does every hook the plugin adds through a public one: each is
 * installed by {@link install}, reported in the status (`hooks`), and undone
 * by {@link uninstall}, which the plugin's one stop path runs on RED.stop(),
 * on the HTTP server's close and on removal from the palette. The hooks read
 * the current secrets from the publication the bridge was last handed.
 */
export class RuntimeBridge {
  readonly #RED: NodeRedApi;
  readonly #options: BridgeOptions;
  readonly #global: GlobalSecrets;
  readonly #flowsUtil: FlowsUtilModule | undefined;
  readonly #flows: FlowsModule | undefined;
  readonly #log: LogModule | undefined;
  readonly #credentials: CredentialsModule | undefined;
  readonly #hooks: HooksStatus;
  #current: Publication = EMPTY_PUBLICATION;
  #undo: (() => void)[] = [];
  #restarting = false;
  #stopped = false;

  /** Finds what this Node-RED offers; installs nothing yet. */
  constructor(RED: NodeRedApi, options: BridgeOptions) {
    this.#RED = RED;
    this.#options = options;
    this.#global = new GlobalSecrets(RED.settings.functionGlobalContext);
    this.#flowsUtil = flowsUtilModule();
    this.#flows = flowsModule();
    this.#log = options.maskPrints ? logModule(RED.log) : undefined;
    this.#credentials = credentialsModule();
    this.#hooks = Object.fromEntries(HOOK_NAMES.map((name) => [name, 'off'])) as HooksStatus;
  }

  /** Why no publication can be taken (settings.js has no usable functionGlobalContext), or undefined. */
  get publishProblem(): SyncError | undefined {
    return this.#global.problem();
  }

  /** Whether Node-RED's `${…}` lookup can be taught SECRETS.* in this runtime. */
  get resolvable(): boolean {
    return this.#flowsUtil !== undefined;
  }

  /** Restarts exactly `ids` as a "modified nodes" deploy of them would; undefined where this runtime cannot. */
  get restart(): ((ids: readonly string[]) => Promise<void>) | undefined {
    const flows = this.#flows;
    if (!flows) return undefined;
    return async (ids) => {
      // After a stop (RED.stop() above all) a restart would start nodes of a stopped runtime again.
      if (this.#stopped) return;
      // The flows:started that follows is this restart, not a deploy (the plugin's flowsStarted is told so).
      this.#restarting = true;
      try {
        await restartNodes(flows, ids);
      } finally {
        this.#restarting = false;
      }
    };
  }

  /**
   * The credential fields a node type defines as `password` (its
   * registerType credentials), read from Node-RED's credentials module, which
   * no plugin API exposes; undefined when that module or the type's
   * definition is not found (the credential scan then goes by field names).
   */
  passwordFields(type: string): ReadonlySet<string> | undefined {
    let definition: unknown;
    try {
      definition = this.#credentials?.getDefinition(type);
    } catch {
      return undefined;
    }
    if (typeof definition !== 'object' || definition === null) return undefined;
    return new Set(Object.entries(definition).filter(([, field]) => (field as { type?: unknown } | null)?.type === 'password').map(([name]) => name));
  }

  /** Which hooks took. */
  hooks(): HooksStatus {
    return { ...this.#hooks };
  }

  /**
   * Takes a publication: global.SECRETS becomes its secrets in one assignment
   * (a throw fails the sync), a flow's copy that shadows it is taken away, and
   * every hook reads it from now on.
   */
  publish(publication: Publication): void {
    // A sync that was under way when the plugin stopped changes nothing any more.
    if (this.#stopped) return;
    this.#global.publish(publication.snapshot.secrets);
    this.#current = publication;
    // Making global.SECRETS whole again must never turn a good sync into a failed one.
    try {
      const global = findGlobalContext(this.#RED.nodes);
      if (global) removeOverrides(global, contextStores(this.#RED.settings.contextStorage), publication.snapshot.secrets, this.#options.logger);
    } catch (err) {
      this.#options.logger.debug(`global.SECRETS check skipped (${err instanceof Error ? err.name : 'error'})`);
    }
  }

  /** Installs every hook and answers which took; warns once for each that could not. */
  install(parts: BridgeParts): HooksStatus {
    const RED = this.#RED;
    const masker = (): Publication['masker'] => this.#current.masker;
    const adminApi = RED.settings.httpAdminRoot !== false;
    this.#set('globalSecrets', this.publishProblem ? undefined : NOTHING_TO_UNDO);
    this.#set('variables', this.#flowsUtil && claimVariables(this.#flowsUtil, (name) => claimVariable(this.#current.snapshot, name)));
    this.#set('restart', this.#flows && NOTHING_TO_UNDO);
    if (this.#options.maskPrints) {
      this.#set('logMask', this.#log && maskLogs(this.#log, masker));
      this.#set('printMask', maskPrints(RED.events, masker));
      this.#set('debugMask', maskDebugMessages(RED.hooks, masker));
    }
    this.#set('adminRoutes', removableRoutes(RED.httpAdmin, parts.adminRoutes), adminApi);
    if (adminApi) {
      // The editor's admin app (the one holding the context routes) mounts RED.httpAdmin; the server's listener is the fallback.
      const apps = [(RED.httpAdmin as { parent?: unknown }).parent, ...(RED.server?.listeners('request') ?? [])];
      // Node-RED lists settings.js globals under its default store, unless exportGlobalContextKeys is false.
      const defaultStore = (): string | undefined => (RED.settings.exportGlobalContextKeys === false ? undefined : defaultContextStore(RED.settings.contextStorage));
      this.#set('contextGuard', guardContextApi(apps, () => this.#current, (key) => RED.util.normalisePropertyExpression(key), defaultStore));
    }
    const onFlowsStarted = (event: unknown): void => parts.flowsStarted((event as FlowsStartedEvent | undefined)?.config?.flows ?? [], this.#restarting);
    RED.events.on('flows:started', onFlowsStarted);
    this.#undo.push(() => RED.events.removeListener('flows:started', onFlowsStarted));
    this.#undo.push(watchRuntimeStop(RED, parts.onStop));
    return this.hooks();
  }

  /** Undoes every hook, last installed first; safe to call again. After it, publications and restarts change nothing. */
  uninstall(): void {
    this.#stopped = true;
    const steps = this.#undo;
    this.#undo = [];
    for (const step of steps.reverse()) step();
    for (const name of HOOK_NAMES) this.#hooks[name] = 'off';
  }

  /** Records one hook: installed with its undo, or unavailable (warned once); `wanted` false leaves it off. */
  #set(name: HookName, undo: (() => void) | undefined, wanted = true): void {
    let state: HookState = 'installed';
    if (!wanted) state = 'off';
    else if (undo === undefined) state = 'unavailable';
    if (undo) this.#undo.push(undo);
    this.#hooks[name] = state;
    const consequence = CONSEQUENCE[name];
    if (state === 'unavailable' && consequence) this.#options.logger.warn(consequence);
  }
}
