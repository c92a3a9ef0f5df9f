// `${SECRETS.KEY}` through Node-RED's own substitution: the last lookup of a `${name}` asks the plugin first for the names it claims.
import type { FlowsUtilModule } from './loaded-modules';

/** What the plugin answers for one name: claimed (with the value) or left to Node-RED. */
export type VariableAnswer = { claimed: boolean; value?: string };

/**
 * Makes `util.getEnvVar` (the step after node, group, flow and global env)
 * ask `resolve` first; names it does not claim go on to Node-RED's own
 * lookup (process.env). No plugin API reaches this lookup. Returns the undo,
 * which leaves a later wrapper of someone else in place.
 */
export function claimVariables(util: FlowsUtilModule, resolve: (name: unknown) => VariableAnswer): () => void {
  const original = util.getEnvVar;
  const patched = (name: string): unknown => {
    const answer = resolve(name);
    return answer.claimed ? answer.value : original(name);
  };
  util.getEnvVar = patched;
  return () => {
    if (util.getEnvVar === patched) util.getEnvVar = original;
  };
}
