// Node-RED entry of the runtime plugin: binds the Secret Sync service to RED (settings, events, comms, admin API).
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { createProvider } from '../../providers/registry';
import { registerAdminRoutes } from './admin-routes';
import { removableRoutes } from './express-layers';
import { resolveConfig } from '../core/config';
import { maskerFor } from '../core/masker';
import { guardContextApi } from './context-guard';
import { maskPrintPaths } from './print-masks';
import { GlobalSecrets } from '../core/global-secrets';
import { contextStores, removeOverrides } from '../core/global-override';
import { findGlobalContext } from './global-context';
import { createPluginLogger } from '../core/logger';
import { PREFERENCES_KEY } from '../core/preferences';
import { describeLegacyNodes, findLegacyNodes } from '../core/legacy-nodes';
import { PLUGIN_ID, TOPICS } from '../../shared/contract';
import type { SecretSyncPluginApi, SecretsChangedEvent, SyncStatus } from '../../shared/contract';
import { SecretReferences } from './secret-references';
import type { FlowsStartedEvent, NodeRedApi } from './red-types';
import { instanceSplay } from '../core/scheduler';
import { keyUsage } from '../core/usage';
import type { KeyUsage } from '../../shared/fleet-wire';
import { instanceIdentity } from './instance';
import { contextModule } from './runtime-internals';
import { SecretSyncService } from '../core/service';

/**
 * Registers the `secret-sync` plugin. Returns a promise Node-RED waits for
 * before it starts the flows: the first sync, bounded in time.
 */
function secretSyncPlugin(RED: NodeRedApi): Promise<void> {
  const logger = createPluginLogger(RED.log);
  const config = resolveConfig(RED.settings.secretSync, process.env, (path) => readFileSync(path, 'utf8'));
  const space = config.summary.space ?? '';
  const target = new GlobalSecrets(RED.settings.functionGlobalContext);
  const stores = contextStores(RED.settings.contextStorage);
  const instance = instanceIdentity(RED.settings.userDir ?? '');
  const service: SecretSyncService = new SecretSyncService({
    config,
    afterSync: () => {
      const global = findGlobalContext(RED.nodes);
      if (global) removeOverrides(global, stores, service.snapshot().secrets, logger);
    },
    createProvider: (choice) => createProvider({ ...choice, instance }),
    references: () => references.status(),
    target,
    logger,
    splay: instanceSplay(hostname(), RED.settings.userDir ?? '', space),
    preferences: {
      load: () => {
        try {
          return RED.settings.get(PREFERENCES_KEY);
        } catch {
          return undefined;
        }
      },
      save: (value) => RED.settings.set(PREFERENCES_KEY, value),
    },
  });

  const references: SecretReferences = new SecretReferences({
    snapshot: () => service.snapshot(),
    credentialsOf: (id) => RED.nodes.getCredentials?.(id),
    logger,
    restartOnChange: config.ok ? config.config.restartOnChange : true,
    onStatus: () => service.refreshStatus(),
    onRestarted: (event) => RED.comms.publish(TOPICS.restarted, event, false),
    setNodeStatus: (id, text) => {
      try {
        RED.nodes.getNode(id)?.status?.({ fill: 'red', shape: 'ring', text });
      } catch {
        // A node that cannot show a status still has the warning in the log and the sidebar.
      }
    },
  });

  // Everything registered below is undone by `stop`, on shutdown and on removal from the palette.
  const undo: (() => void)[] = [];
  undo.push(references.start());
  const onChanged = (event: SecretsChangedEvent): void => {
    // A listener never throws: a failed restart is logged and the nodes stay as they were.
    references.changed(event).catch((err: unknown) => logger.error(`restarting the nodes that use changed secrets failed (${err instanceof Error ? err.name : 'error'})`));
  };
  service.on('changed', onChanged);
  undo.push(() => service.off('changed', onChanged));
  const publishStatus = (status: unknown): void => RED.comms.publish(TOPICS.status, status, true);
  const publishChanged = (event: unknown): void => RED.comms.publish(TOPICS.changed, event, false);
  service.on('status', publishStatus);
  service.on('changed', publishChanged);
  undo.push(() => service.off('status', publishStatus).off('changed', publishChanged));
  // The keys the deployed flows use go to the manager's fleet view after each deploy that changed them; one that did not
  // arrive goes after the next sync, and they go again when the manager asks (it forgot this instance, or never had its report).
  let current: { usage: KeyUsage[]; json: string } | undefined;
  let lastReported = '';
  let reporting = false;
  const reportUsage = async (): Promise<void> => {
    const sending = current;
    if (!sending || reporting || sending.json === lastReported) return;
    reporting = true;
    try {
      if (await service.reportUsage(sending.usage)) lastReported = sending.json;
    } finally {
      reporting = false;
    }
  };
  const retryUsage = (status: SyncStatus): void => {
    if (status.state !== 'ok') return;
    if (current && service.takeUsageRequest()) lastReported = '';
    void reportUsage();
  };
  service.on('status', retryUsage);
  undo.push(() => service.off('status', retryUsage));
  const onFlowsStarted = (event: unknown): void => {
    const flows = (event as FlowsStartedEvent | undefined)?.config?.flows ?? [];
    references.flowsStarted(flows);
    // The plugin's own restart of a few nodes is not a deploy: no legacy report, no deploy sync.
    if (references.restarting) return;
    const legacy = findLegacyNodes(flows);
    if (legacy.length > 0) logger.warn(describeLegacyNodes(legacy, flows));
    service.setLegacyNodes(legacy);
    service.flowsStarted();
    const usage = keyUsage(flows, (id) => RED.nodes.getCredentials?.(id));
    current = { usage, json: JSON.stringify(usage) };
    void reportUsage();
  };
  RED.events.on('flows:started', onFlowsStarted);
  undo.push(() => RED.events.removeListener('flows:started', onFlowsStarted));
  undo.push(removableRoutes(RED.httpAdmin, () => registerAdminRoutes(RED, service, references, logger)));
  if (RED.settings.httpAdminRoot !== false) {
    const apps = [(RED.httpAdmin as { parent?: unknown }).parent, ...(RED.server?.listeners('request') ?? [])];
    // Node-RED lists settings.js globals under its default store, unless exportGlobalContextKeys is false.
    const contexts = contextModule();
    const defaultStore = (): string | undefined => {
      if (RED.settings.exportGlobalContextKeys === false) return undefined;
      const name = contexts?.listStores().default;
      return typeof name === 'string' ? name : undefined;
    };
    const unguard = guardContextApi(apps, () => service.snapshot(), (key) => RED.util.normalisePropertyExpression(key), defaultStore);
    if (unguard) undo.push(unguard);
    else logger.warn('could not guard the context API (no Express admin app found): GET /context/global/SECRETS may show values; restrict context.read to trusted users');
  }
  if (!config.ok || config.config.maskDebug) {
    const masks = maskPrintPaths(RED, () => maskerFor(service.snapshot()));
    undo.push(masks.undo);
    if (!masks.logs) logger.warn("could not find Node-RED's log module: secret values in log lines are not masked");
  }
  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      for (const step of undo.reverse()) step();
      await service.stop();
    })();
    return stopped;
  };
  const onClose = (): void => void stop();
  RED.server?.once('close', onClose);
  undo.push(() => RED.server?.removeListener('close', onClose));
  const api: SecretSyncPluginApi = {
    sync: (trigger) => service.sync(trigger),
    onChanged: (listener) => {
      service.on('changed', listener);
      return () => service.off('changed', listener);
    },
  };
  RED.plugins.registerPlugin(PLUGIN_ID, { type: 'secret-sync', onremove: () => void stop(), ...api });
  return service.start();
}

export = secretSyncPlugin;
