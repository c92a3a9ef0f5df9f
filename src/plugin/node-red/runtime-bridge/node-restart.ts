// Restarting a few nodes the way Node-RED's "modified nodes" deploy does, through the runtime's flows manager.
import type { FlowsDiff, FlowsModule } from './loaded-modules';

/** Restarts exactly `ids`: stop, then start with their current configuration (their `${…}` read again), logs muted as Node-RED mutes its own. */
export async function restartNodes(flows: FlowsModule, ids: readonly string[]): Promise<void> {
  const diff: FlowsDiff = { added: [], changed: [...ids], removed: [], rewired: [], linked: [], flowChanged: [] };
  await flows.stopFlows('nodes', diff, true);
  await flows.startFlows('nodes', diff, true);
}
