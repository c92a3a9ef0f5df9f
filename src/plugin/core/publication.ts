// What one successful sync publishes: one immutable value (version, snapshot, masker, diff, the keys too short to mask), complete before anything sees it.
import type { SecretsDiff } from '../../shared/contract';
import { Masker, prepareMasker } from './masker';
import { EMPTY_DIFF, EMPTY_SNAPSHOT } from './snapshot';
import type { Snapshot, SnapshotChange } from './snapshot';

/**
 * The secrets as one successful sync left them (README, "Project layout"):
 * everything that reads the current secrets (global.SECRETS, `${SECRETS.KEY}`,
 * the masks, the context guard, the status) reads it from here, so no part
 * keeps a copy of its own and none recomputes what another already holds.
 */
export interface Publication {
  /** The space version the provider answered with, or null when it names none. */
  readonly version: number | null;
  readonly snapshot: Snapshot;
  /** Masks every value of `snapshot` (compiled before the publication exists). */
  readonly masker: Masker;
  /** What changed against the publication before it: names only; empty when the sync found nothing new. */
  readonly diff: SecretsDiff;
  /** `KEY` or `KEY.field` of the values too short to mask (README, "What is masked"); names only. */
  readonly unmaskedKeys: readonly string[];
}

/** How the masker of the next snapshot is compiled, given what changed (a seam for tests: {@link prepareMasker} everywhere else). */
export type MaskerCompiler = (next: Snapshot, previous: Masker, diff: SecretsDiff) => Promise<Masker>;

const EMPTY_MASKER = new Masker(EMPTY_SNAPSHOT);

/** What flows read before the first successful sync: an empty frozen object, nothing to mask. */
export const EMPTY_PUBLICATION: Publication = Object.freeze({ version: null, snapshot: EMPTY_SNAPSHOT, masker: EMPTY_MASKER, diff: EMPTY_DIFF, unmaskedKeys: EMPTY_MASKER.unmaskedKeys });

/**
 * The publication of `change` (the snapshot and its diff from the sync's one
 * pass, answered as `version`) after `previous`: its masker compiled from
 * the changed entries (as a delta over the previous one where the change is
 * small). A compile that fails rejects, and the sync fails whole.
 */
export async function nextPublication(previous: Publication, change: SnapshotChange, version: number | null, compile: MaskerCompiler = prepareMasker): Promise<Publication> {
  const { snapshot, diff } = change;
  const masker = await compile(snapshot, previous.masker, diff);
  return Object.freeze({ version, snapshot, masker, diff, unmaskedKeys: masker.unmaskedKeys });
}

/** The same secrets again, after a sync that found them unchanged (`version` as the provider last named it): nothing to compile, nothing changed. */
export function republication(previous: Publication): Publication {
  return previous.diff === EMPTY_DIFF ? previous : Object.freeze({ ...previous, diff: EMPTY_DIFF });
}
