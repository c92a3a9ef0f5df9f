// node-red-node-test-helper, typed for this suite, with a way to hand nodes a fake Secret Sync plugin.
import { PLUGIN_ID } from '../../src/shared/contract';
import type { SecretSyncPluginApi } from '../../src/shared/contract';
import type { NodeRedNodesApi } from '../../src/plugin/node-red/red-types';
import { nodeRed } from './node-red-version';

/** A node as the helper returns it. */
export interface HelperNode {
  on(event: string, listener: (...args: unknown[]) => void): void;
  receive(msg: Record<string, unknown>): void;
  status: { (...args: unknown[]): void; lastCall?: { args: unknown[] }; getCalls?(): { args: unknown[] }[] };
}

/** The parts of node-red-node-test-helper used here. */
export interface NodeHelper {
  init(nodeRedRuntime: string): void;
  load(nodes: unknown, flow: unknown[]): Promise<void>;
  getNode(id: string): HelperNode;
  startServer(done: () => void): void;
  stopServer(done: () => void): void;
  unload(): Promise<void>;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
export const helper = require('node-red-node-test-helper') as NodeHelper;
helper.init(nodeRed.require.resolve(nodeRed.packageName));

/** Wraps a node module so that `RED.plugins.get('secret-sync')` returns `api` (the helper stubs plugins). */
export function withPlugin(module: (RED: NodeRedNodesApi) => void, api: SecretSyncPluginApi): (RED: NodeRedNodesApi) => void {
  return (RED) => {
    const get = RED.plugins.get.bind(RED.plugins);
    RED.plugins.get = (id: string) => (id === PLUGIN_ID ? api : get(id));
    module(RED);
  };
}
