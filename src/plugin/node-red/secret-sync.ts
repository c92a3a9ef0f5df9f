// Node-RED entry of the runtime plugin, wiring only: the service syncs and publishes, the references follow each publication, the runtime bridge is every hook into Node-RED.
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { PLUGIN_ID, TOPICS, changedNotice } from '../../shared/contract';
import type { SecretSyncPluginApi } from '../../shared/contract';
import { createProvider } from '../../providers/registry';
import { resolveConfig } from '../core/config';
import { CredentialFindings } from '../core/credential-findings';
import { secretlintDetector } from '../core/credential-shapes';
import { createPluginLogger } from '../core/logger';
import { instanceSplay } from '../core/scheduler';
import { SecretReferences } from '../core/secret-references';
import { SecretSyncService } from '../core/service';
import { registerAdminRoutes } from './admin-routes';
import { registerFindingsRoutes } from './findings-routes';
import { instanceIdentity } from './instance';
import { nodeStatusOf, settingsPreferences } from './red-adapters';
import type { NodeRedApi } from './red-types';
import { RuntimeBridge } from './runtime-bridge';

/**
 * Registers the `secret-sync` plugin. Returns a promise Node-RED waits for
 * before it starts the flows: the first sync, bounded in time.
 */
function secretSyncPlugin(RED: NodeRedApi): Promise<void> {
  const logger = createPluginLogger(RED.log);
  const config = resolveConfig(RED.settings.secretSync, process.env, (path) => readFileSync(path, 'utf8'));
  const userDir = RED.settings.userDir ?? '';
  const instance = instanceIdentity(userDir);
  const credentialsOf = (id: string): unknown => RED.nodes.getCredentials?.(id);
  const bridge = new RuntimeBridge(RED, { logger, maskPrints: !config.ok || config.config.maskDebug });
  const references = new SecretReferences({
    credentialsOf,
    logger,
    restartOnChange: config.ok ? config.config.restartOnChange : true,
    restart: bridge.restart,
    resolvable: bridge.resolvable,
    setNodeStatus: nodeStatusOf(RED.nodes),
  });
  const findings = new CredentialFindings({ credentialsOf, passwordFields: (type) => bridge.passwordFields(type), detect: secretlintDetector(), logger });
  const service = new SecretSyncService({
    config,
    createProvider: (choice) => createProvider({ ...choice, instance, userDir }),
    onPublish: (publication) => {
      bridge.publish(publication);
      references.published(publication);
      void findings.published(publication);
    },
    publishProblem: bridge.publishProblem,
    preferences: settingsPreferences(RED.settings),
    logger,
    splay: instanceSplay(hostname(), userDir, config.summary.space ?? ''),
  });
  service.setReferences(references.status());
  references.on('status', (status) => service.setReferences(status));
  references.on('restarted', (event) => RED.comms.publish(TOPICS.restarted, event, false));
  service.on('status', (status) => RED.comms.publish(TOPICS.status, status, true));
  // Counts, not names: the editor reloads its key list on it (README, "Admin API").
  service.on('changed', (event) => RED.comms.publish(TOPICS.changed, changedNotice(event), false));
  // Retained like the status: an editor that connects later shows the count at once (the count only; the list is GET findings).
  findings.on('scanned', (event) => RED.comms.publish(TOPICS.findings, event, true));

  // The one stop path: RED.stop(), the HTTP server's close, removal from the palette.
  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopped ??= (async () => {
      bridge.uninstall();
      references.removeAllListeners();
      findings.removeAllListeners();
      service.removeAllListeners();
      await service.stop();
    })());
  service.setHooks(
    bridge.install({
      flowsStarted: (flows, ownRestart) => {
        references.flowsStarted(flows);
        // The plugin's own restart of a few nodes is not a deploy: no legacy report, no usage report, no deploy sync.
        if (!ownRestart) {
          service.flowsStarted(flows, credentialsOf);
          void findings.flowsStarted(flows);
        }
      },
      adminRoutes: () => {
        registerAdminRoutes(RED, service, references, logger);
        registerFindingsRoutes(RED, findings, { provider: () => service.provider(), sync: () => service.sync('manual') }, logger);
      },
      onStop: () => void stop(),
    }),
  );
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
