// One node of the deployed flow configuration, as Node-RED's `flows:started` event carries it: the one type flows are read with.
import type { ReferringNode } from '../../shared/contract';

/** One node of the flow configuration (tabs and subflows included): its id, type, name and tab, and every other property as deployed. */
export interface FlowNodeConfig extends ReferringNode {
  /** A tab's or subflow's title. */
  label?: string;
  /** Every other property of the node, as deployed (references, never values). */
  [property: string]: unknown;
}
