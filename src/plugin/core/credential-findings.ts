// The findings of the last credential scan: scans the deployed flows on every start and after every change of the synced secrets, one scan at a time, and answers the list and what a move of one reads.
import { EventEmitter } from 'node:events';
import { FINDINGS_MAX, FINDING_RULES } from '../../shared/contract';
import type { FindingsAnswer } from '../../shared/contract';
import { counted } from './counted';
import { literalPart } from './credential-rules';
import { textAt } from './credential-walk';
import { scanFlows } from './credential-scan';
import type { KeptFinding, ScanResult, SyncedValues } from './credential-scan';
import { rememberLastShapes } from './credential-shapes';
import type { ShapeDetector } from './credential-shapes';
import type { FlowNodeConfig } from './flow-nodes';
import type { PluginLogger } from './logger';
import type { Publication } from './publication';
import { EMPTY_PUBLICATION } from './publication';
import type { Snapshot } from './snapshot';

/** What the findings need from the plugin. */
export interface FindingsDeps {
  /** A node's stored credentials, decrypted. */
  credentialsOf: (id: string) => unknown;
  /** The credential fields of type `password` of a node type, or undefined when the runtime does not say. */
  passwordFields: (type: string) => ReadonlySet<string> | undefined;
  detect: ShapeDetector;
  logger: PluginLogger;
}

/** Events: a scan ended, with how many findings it made. */
export interface FindingsEvents {
  scanned: [{ count: number }];
}

/** A current finding and the literal it stands for, read from the runtime's memory for one move. */
export interface MoveSource {
  kept: KeptFinding;
  literal: string;
}

/** The key of `snapshot` whose value (or pair) is exactly `text`, without copying any value. */
function keyOf(snapshot: Snapshot, text: string): string | undefined {
  for (const key of snapshot.keys) {
    const entry = snapshot.secrets[key];
    if (entry === text) return key;
    if (typeof entry === 'object') for (const field in entry) if (entry[field] === text) return `${key}.${field}`;
  }
  return undefined;
}

/**
 * Holds the last scan's findings (README, "Move existing credentials"). A
 * deploy during a scan makes one more scan after it (the latest flows win);
 * a scan that fails is logged by its error's name and leaves the last
 * findings in place.
 */
export class CredentialFindings extends EventEmitter<FindingsEvents> {
  readonly #deps: FindingsDeps;
  #flows: readonly FlowNodeConfig[] = [];
  #publication: Publication = EMPTY_PUBLICATION;
  #result: ScanResult | undefined;
  /** The flows the last scan read: a move acts only while they are still the deployed ones. */
  #scannedFlows: readonly FlowNodeConfig[] | undefined;
  #scannedAt: string | null = null;
  #running: Promise<void> | undefined;
  #again = false;

  constructor(deps: FindingsDeps) {
    super();
    // A scan after a sync reads the same texts as the one before it: their shapes are not linted again.
    this.#deps = { ...deps, detect: rememberLastShapes(deps.detect) };
  }

  /** On every start of the flows: scan them. */
  flowsStarted(flows: readonly FlowNodeConfig[]): Promise<void> {
    this.#flows = flows;
    return this.#schedule();
  }

  /** Takes each publication: new or changed values may be pasted somewhere, so a change scans again. */
  published(publication: Publication): Promise<void> {
    const changed = publication.snapshot !== this.#publication.snapshot;
    this.#publication = publication;
    return changed && this.#scannedAt !== null ? this.#schedule() : Promise.resolve();
  }

  /** `GET secret-sync/findings`: at most {@link FINDINGS_MAX}, with the full count. */
  answer(): FindingsAnswer {
    const result = this.#result;
    return {
      findings: (result?.findings ?? []).slice(0, FINDINGS_MAX).map((k) => ({ ...k.finding })),
      count: result?.count ?? 0,
      scannedAt: this.#scannedAt,
      ...(result?.limited ? { limited: true as const } : {}),
    };
  }

  /** The finding of the last scan at node `id`, `property` (and `line` in code), with its literal; undefined when there is none. */
  moveSource(id: string, property: string, line?: number): MoveSource | undefined {
    // Deployed since the last scan (its scan still running): the finding may be a reference by now.
    if (this.#scannedFlows !== this.#flows) return undefined;
    const kept = this.#result?.findings.find((k) => k.finding.id === id && k.finding.property === property && (line === undefined || k.finding.line === line));
    if (!kept) return undefined;
    const node = this.#flows.find((n) => n.id === id);
    if (!node) return undefined;
    // By the steps the scan took, never by parsing `property`: a key with a dot would name another property, or the stored credentials.
    const text = textAt(kept.at.credentials ? this.#deps.credentialsOf(id) : node, kept.at.steps);
    if (text === undefined) return undefined;
    const literal = kept.span ? text.slice(kept.span.start, kept.span.end) : text;
    // Never a secret made of a reference: a credential deployed as `${…}` since is no finding.
    return literalPart(literal) === '' ? undefined : { kept, literal };
  }

  /** Runs a scan now, or once more after the running one. */
  #schedule(): Promise<void> {
    if (this.#running) {
      this.#again = true;
      return this.#running;
    }
    const run = async (): Promise<void> => {
      do {
        this.#again = false;
        await this.#scanOnce();
      } while (this.#again);
    };
    this.#running = run().finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  async #scanOnce(): Promise<void> {
    const { snapshot, masker } = this.#publication;
    const flows = this.#flows;
    const synced: SyncedValues = { ranges: (text) => masker.ranges(text), keyOf: (text) => keyOf(snapshot, text) };
    try {
      const result = await scanFlows({ flows, credentialsOf: this.#deps.credentialsOf, passwordFields: this.#deps.passwordFields, synced, detect: this.#deps.detect });
      this.#result = result;
      this.#scannedFlows = flows;
      this.#scannedAt = new Date().toISOString();
      this.#log(result);
      this.emit('scanned', { count: result.count });
    } catch (err) {
      this.#deps.logger.error(`scanning the deployed flows for credentials failed (${err instanceof Error ? err.name : 'error'})`);
    }
  }

  /** One line counting the findings by rule: names and counts, never a value. */
  #log(result: ScanResult): void {
    const bound = result.limited ? ' (bounded: some properties of large flows were not read)' : '';
    if (result.count === 0) {
      this.#deps.logger.debug(`no credentials found in the deployed flows (${counted(result.nodes, 'node', 'nodes')} scanned)${bound}`);
      return;
    }
    const byRule = FINDING_RULES.map((rule) => [rule, result.findings.filter((k) => k.finding.rule === rule).length] as const).filter(([, n]) => n > 0);
    this.#deps.logger.warn(
      `${counted(result.count, 'credential', 'credentials')} pasted into the deployed flows (${byRule.map(([rule, n]) => `${n} ${rule}`).join(', ')}) in ${counted(result.nodes, 'node', 'nodes')}${bound}: move them to the Secret Manager from the Secrets sidebar, "Credentials in flows"`,
    );
  }
}
