// Values with a known credential shape (GitHub, Slack, AWS, private keys, connection strings, …): secretlint's recommended preset over many texts in one pass, answering rule ids and spans only.

/** One text the detector found a shape in: its index in the input, the span, and the rule's short id (`github`, `aws`, …). */
export interface ShapeHit {
  index: number;
  start: number;
  end: number;
  rule: string;
}

/** What the scan asks of a detector: the hits in `texts`, never a message (secretlint's messages quote the value). */
export type ShapeDetector = (texts: readonly string[]) => Promise<ShapeHit[]>;

/**
 * `detect` answering again, without linting, when asked about the very texts
 * it was last asked about: a sync that changed secrets scans the same flows
 * again for the new values, and their shapes have not changed (README,
 * "Move existing credentials"). Compared text by text, so any change of a
 * flow or of a stored credential lints again.
 */
export function rememberLastShapes(detect: ShapeDetector): ShapeDetector {
  let last: { texts: readonly string[]; hits: readonly ShapeHit[] } | undefined;
  return async (texts) => {
    if (last !== undefined && last.texts.length === texts.length && last.texts.every((text, i) => text === texts[i])) return last.hits.map((hit) => ({ ...hit }));
    const hits = await detect(texts);
    last = { texts: [...texts], hits: hits.map((hit) => ({ ...hit })) };
    return hits;
  };
}

/** The slice of `@secretlint/core` used here (an ES module, loaded with a dynamic import as p-retry is). */
interface SecretlintCore {
  lintSource(input: {
    source: { content: string; filePath: string; contentType: 'text' };
    options: { config: { rules: unknown[] }; maskSecrets: boolean; noPhysicFilePath: boolean };
  }): Promise<{ messages: { ruleId: string; range: readonly [number, number] }[] }>;
}

const PRESET_ID = '@secretlint/secretlint-rule-preset-recommend';
const RULE_PREFIX = '@secretlint/secretlint-rule-';

/**
 * The preset's configuration: `filter-comments` off, so a `secretlint-disable`
 * comment in one node's code cannot hide another's credential; AWS access
 * key ids on (off by default: an id alone is no secret, but pasted into a flow
 * its secret key is not far).
 */
function presetConfig(preset: unknown): { rules: unknown[] } {
  return {
    rules: [
      {
        id: PRESET_ID,
        rule: preset,
        rules: [
          { id: `${RULE_PREFIX}filter-comments`, disabled: true },
          { id: `${RULE_PREFIX}aws`, options: { enableIDScanRule: true } },
        ],
      },
    ],
  };
}

/** Between two texts: no rule's match spans an empty line between two tokens. */
const SEPARATOR = '\n\n';
/** About how many characters one lint reads (the texts of a scan are linted in batches of this size). */
export const BATCH_CHARS = 512 * 1024;

/**
 * The secretlint detector: the texts joined into sources of about
 * {@link BATCH_CHARS} (one lint per batch, not one per text), each hit mapped
 * back to its text by offset. The modules are loaded on the first call.
 */
export function secretlintDetector(): ShapeDetector {
  let loaded: Promise<{ core: SecretlintCore; config: { rules: unknown[] } }> | undefined;
  const load = (): Promise<{ core: SecretlintCore; config: { rules: unknown[] } }> =>
    (loaded ??= Promise.all([import('@secretlint/core'), import('@secretlint/secretlint-rule-preset-recommend')]).then(([core, preset]) => ({
      core: core as unknown as SecretlintCore,
      config: presetConfig(preset.creator),
    })));
  return async (texts) => {
    if (texts.length === 0) return [];
    const { core, config } = await load();
    const hits: ShapeHit[] = [];
    for (let first = 0; first < texts.length; ) {
      // One lint per batch of about BATCH_CHARS, and a turn of the event loop between two: a huge flow never blocks it for long.
      let last = first;
      let size = 0;
      while (last < texts.length && (last === first || size + texts[last]!.length <= BATCH_CHARS)) size += texts[last++]!.length + SEPARATOR.length;
      if (first > 0) await new Promise((resolve) => setImmediate(resolve));
      hits.push(...(await lintBatch(core, config, texts, first, last)));
      first = last;
    }
    return hits;
  };
}

/** The hits in `texts[first..last)`, joined into one source, each mapped back to its text by offset. */
async function lintBatch(core: SecretlintCore, config: { rules: unknown[] }, texts: readonly string[], first: number, last: number): Promise<ShapeHit[]> {
  const starts: number[] = [];
  let offset = 0;
  for (let i = first; i < last; i++) {
    starts.push(offset);
    offset += texts[i]!.length + SEPARATOR.length;
  }
  const content = texts.slice(first, last).join(SEPARATOR);
  const result = await core.lintSource({ source: { content, filePath: 'flows', contentType: 'text' }, options: { config, maskSecrets: true, noPhysicFilePath: true } });
  return result.messages.map((message) => {
    const [from, to] = message.range;
    const at = lastAtOrBefore(starts, from);
    const index = first + at;
    const start = from - starts[at]!;
    const end = Math.min(to - starts[at]!, texts[index]!.length);
    return { index, start, end, rule: message.ruleId.startsWith(RULE_PREFIX) ? message.ruleId.slice(RULE_PREFIX.length) : message.ruleId };
  });
}

/** The index of the last of the ascending `starts` that is at most `offset`. */
function lastAtOrBefore(starts: readonly number[], offset: number): number {
  let low = 0;
  let high = starts.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (starts[mid]! <= offset) low = mid;
    else high = mid - 1;
  }
  return low;
}
