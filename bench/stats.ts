// The benches' figures of a list of samples: the median and any quantile, by the same rule everywhere.

/** The middle sample (the upper one of an even count); NaN for none. */
export const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

/** The sample at quantile `q` (0.5, 0.99…), the last for a `q` past the end; NaN for none. */
export const quantile = (xs: readonly number[], q: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * q))] ?? NaN;
