// The "secrets changed" node: emits key names (never values) after a sync changed the secrets.
import { PLUGIN_ID, pluginApi } from '../src/plugin/node-red/plugin-api';
import type { NodeRedNodesApi, RedNode } from '../src/plugin/node-red/red-types';

/** Registers the `secrets-changed` node type. */
function register(RED: NodeRedNodesApi): void {
  RED.nodes.registerType('secrets-changed', function SecretsChangedNode(this: RedNode, config: Record<string, unknown>) {
    RED.nodes.createNode(this, config);
    const api = pluginApi(RED.plugins.get(PLUGIN_ID));
    if (!api) {
      this.status({ fill: 'red', shape: 'ring', text: RED._('secrets-changed.status.noPlugin') });
      return;
    }
    this.status({});
    const unsubscribe = api.onChanged((event) => {
      const payload = { version: event.version, added: [...event.added], changed: [...event.changed], removed: [...event.removed] };
      this.send({ topic: 'secrets-changed', payload });
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
