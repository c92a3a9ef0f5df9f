// The "secrets changed" node: emits key names (never values) after a sync changed the secrets.
import { NODE_TYPES, PLUGIN_ID } from '../src/shared/contract';
import { pluginApi } from '../src/plugin/node-red/plugin-api';
import type { NodeRedNodesApi, RedNode } from '../src/plugin/node-red/red-types';

/** Registers the `secrets-changed` node type. */
function register(RED: NodeRedNodesApi): void {
  RED.nodes.registerType(NODE_TYPES.secretsChanged, function SecretsChangedNode(this: RedNode, config: Record<string, unknown>) {
    RED.nodes.createNode(this, config);
    const api = pluginApi(RED.plugins.get(PLUGIN_ID));
    if (!api) {
      this.status({ fill: 'red', shape: 'ring', text: RED._('secrets-changed.status.noPlugin') });
      return;
    }
    this.status({});
    const unsubscribe = api.onChanged((event) => {
      const payload = { version: event.version, added: [...event.added], changed: [...event.changed], removed: [...event.removed] };
      this.send({ topic: NODE_TYPES.secretsChanged, payload });
      this.status({
        fill: 'green',
        shape: 'dot',
        text: RED._('secrets-changed.status.changed', { added: payload.added.length, changed: payload.changed.length, removed: payload.removed.length }),
      });
    });
    this.on('close', (done) => {
      unsubscribe();
      done();
    });
  });
}

export = register;
