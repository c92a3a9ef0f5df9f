// Node-RED entry of the runtime plugin: binds the Secret Sync service to RED (settings, events, comms, admin API).
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { createProvider } from '../providers/registry';
import { registerAdminRoutes } from './admin-routes';
import { resolveConfig } from './config';
import { guardContextApi } from './context-guard';
import { maskSecrets, secretValues } from './debug-mask';
import { GlobalSecrets } from './global-secrets';
import { contextStores, findGlobalContext, removeOverrides } from './global-override';
import { createPluginLogger } from './logger';
import { PREFERENCES_KEY } from './preferences';
import { describeLegacyNodes, findLegacyNodes } from './legacy-nodes';
import { PLUGIN_ID } from './plugin-api';
import type { SecretSyncPluginApi } from './plugin-api';
import type { FlowsStartedEvent, NodeRedApi } from './red-types';
import { instanceSplay } from './scheduler';
import { SecretSyncService } from './service';
import type { Snapshot } from './snapshot';
import { CHANGED_TOPIC, STATUS_TOPIC } from './status';

/**
 * Registers the `secret-sync` plugin. Returns a promise Node-RED waits for
 * before it starts the flows: the first sync, bounded in time.
 */
function secretSyncPlugin(RED: NodeRedApi): Promise<void> {
  const logger = createPluginLogger(RED.log);
  const config = resolveConfig(RED.settings.secretSync, process.env, (path) => readFileSync(path, 'utf8'));
  const space = config.ok ? config.config.space : (config.partial.space ?? '');
  const target = new GlobalSecrets(RED.settings.functionGlobalContext);
  const stores = contextStores(RED.settings.contextStorage);
  const service: SecretSyncService = new SecretSyncService({
    config,
    afterSync: () => {
      const global = findGlobalContext(RED.nodes);
      if (global) removeOverrides(global, stores, service.snapshot().secrets, logger);
    },
    createProvider,
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

  service.on('status', (status) => RED.comms.publish(STATUS_TOPIC, status, true));
  service.on('changed', (event) => RED.comms.publish(CHANGED_TOPIC, event, false));
  RED.events.on('flows:started', (event) => {
    const flows = (event as FlowsStartedEvent | undefined)?.config?.flows ?? [];
    const legacy = findLegacyNodes(flows);
    if (legacy.length > 0) logger.warn(describeLegacyNodes(legacy, flows));
    service.setLegacyNodes(legacy);
    service.flowsStarted();
  });
  RED.server?.once('close', () => void service.stop());
  registerAdminRoutes(RED, service, logger);
  const adminRoot = RED.settings.httpAdminRoot;
  if (adminRoot !== false && !guardContextApi(RED, adminRoot ?? '/', () => service.snapshot())) {
    logger.warn('could not protect GET /context/global/SECRETS (no HTTP server): restrict context.read to trusted users');
  }
  if (!config.ok || config.config.maskDebug) {
    let masked: { snapshot: Snapshot; values: string[] } | undefined;
    RED.hooks.add('preDeliver.secret-sync', (event) => {
      if (event.destination.node.type !== 'debug') return;
      const snapshot = service.snapshot();
      // Recompute the list only when the snapshot object changed (after a sync).
      if (masked?.snapshot !== snapshot) masked = { snapshot, values: secretValues(snapshot) };
      event.msg = maskSecrets(event.msg, masked.values);
    });
  }
  const api: SecretSyncPluginApi = {
    sync: (trigger) => service.sync(trigger),
    onChanged: (listener) => {
      service.on('changed', listener);
      return () => service.off('changed', listener);
    },
  };
  RED.plugins.registerPlugin(PLUGIN_ID, { type: 'secret-sync', ...api });
  return service.start();
}

export = secretSyncPlugin;
