// Reaches Node-RED's global context (as nodes see it) through any deployed node.
import type { GlobalContextLike } from '../core/global-override';
import type { NodesLike } from './red-types';

/** Finds the global context through the first live node, or undefined when no flow runs (yet). */
export function findGlobalContext(nodes: NodesLike): GlobalContextLike | undefined {
  let found: GlobalContextLike | undefined;
  try {
    nodes.eachNode((config) => {
      if (found) return;
      const node = nodes.getNode(config.id);
      if (node && typeof node.context === 'function') found = node.context().global;
    });
  } catch {
    // Before the first flows are loaded, Node-RED has no node list to walk.
    return undefined;
  }
  return found;
}

