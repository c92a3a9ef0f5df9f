// The legacy "Secret Manager" node, kept so old flows load and run: it triggers a plugin sync and passes the message on.
import { NODE_TYPES, PLUGIN_ID } from '../src/shared/contract';
import { pluginApi } from '../src/plugin/node-red/plugin-api';
import type { NodeRedNodesApi, RedNode } from '../src/plugin/node-red/red-types';

/** Registers the deprecated `secret-manager` node type. */
function register(RED: NodeRedNodesApi): void {
  RED.nodes.registerType(NODE_TYPES.legacy, function SecretManagerNode(this: RedNode, config: Record<string, unknown>) {
    RED.nodes.createNode(this, config);
    const api = pluginApi(RED.plugins.get(PLUGIN_ID));
    this.status({ fill: 'yellow', shape: 'ring', text: RED._('secret-manager.status.deprecated') });
    this.on('input', (msg, send, done) => {
      // Downstream nodes read global.SECRETS: pass the message on after the sync, whatever its outcome.
      const passOn = (): void => {
        send(msg);
        done();
      };
      if (!api) {
        passOn();
        return;
      }
      api.sync('legacy-node').then(passOn, passOn);
    });
  });
}

export = register;
