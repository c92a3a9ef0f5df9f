// For the sync figures that leave the masker compile out (masking.ts measures it; a naive client masks nothing): the last publication's masker, kept.
import type { MaskerCompiler } from '../src/plugin/core/publication';

/** Compiles nothing: the new publication carries the previous masker. Bench use only. */
export const keepMasker: MaskerCompiler = (_next, previous) => Promise.resolve(previous);
