// The credential scan of the deployed flows (README, "Move existing credentials"): a pure function from flows, credentials and the synced values to findings that name where, never what.
import type { Finding, FindingRule } from '../../shared/contract';
import type { FlowNodeConfig } from './flow-nodes';
import { highEntropyLiteral, literalPassword, urlPassword } from './credential-rules';
import type { ShapeDetector } from './credential-shapes';
import { credentialName, nodeTexts } from './credential-walk';
import type { ScannedText } from './credential-walk';

/** Longest text read by the value rules (a longer one, a base64 image or a huge template, is only checked as a password field). */
export const MAX_TEXT_CHARS = 256 * 1024;
/** Most characters one scan reads in all; the texts past it are not scanned, and the scan says it was bounded. */
export const MAX_SCAN_CHARS = 8 * 1024 * 1024;
/** Most findings one scan keeps (the count goes on); moves can act on these. */
export const MAX_KEPT_FINDINGS = 5_000;
/** Most synced-value findings whose key is named (each costs a pass over the snapshot's keys). */
const MAX_KEY_LOOKUPS = 100;

/** Where the current synced values are found (the publication's masker and snapshot): no copy of them is made. */
export interface SyncedValues {
  /** The spans of `text` that hold a synced value (in any masked form). */
  ranges(text: string): readonly (readonly [number, number])[];
  /** The key (`KEY` or `KEY.field`) whose value is exactly `text`, if any. */
  keyOf(text: string): string | undefined;
}

/** What one scan reads. */
export interface ScanInput {
  flows: readonly FlowNodeConfig[];
  /** A node's stored credentials, decrypted (the runtime alone holds them). */
  credentialsOf: (id: string) => unknown;
  /** The credential fields of type `password` of a node type; undefined when the runtime does not say (fields named like a password then count). */
  passwordFields: (type: string) => ReadonlySet<string> | undefined;
  synced: SyncedValues;
  detect: ShapeDetector;
}

/** A finding, where its text is, and, for code, the span of the credential in it (what a move of it reads). */
export interface KeptFinding {
  finding: Finding;
  /** The keys to the text, from the node or (`credentials`) from its stored credentials. */
  at: { credentials: boolean; steps: readonly string[] };
  span?: { start: number; end: number };
}

/** One scan's result: names, paths and counts only. */
export interface ScanResult {
  findings: KeptFinding[];
  /** How many findings in all ({@link findings} stops at {@link MAX_KEPT_FINDINGS}). */
  count: number;
  nodes: number;
  texts: number;
  chars: number;
  /** Some texts or nodes were left out by a bound. */
  limited: boolean;
}

interface Located {
  node: FlowNodeConfig;
  text: ScannedText;
}

const EMPTY_FIELDS: ReadonlySet<string> = new Set();
/** Nodes walked, and texts checked, between two turns of the event loop: a huge flow never blocks it for long. */
const NODES_PER_TURN = 256;
const TEXTS_PER_TURN = 1_024;

/** A turn of the event loop. */
const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** The 1-based line of `offset` in `text`. */
function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/**
 * Scans `input.flows` for pasted credentials: each (node, property, line)
 * is reported once, by the first rule that fires in this order:
 * `synced-value`, `password-field`, `credential-shape`, `named-literal`.
 */
export async function scanFlows(input: ScanInput): Promise<ScanResult> {
  const located: Located[] = [];
  let chars = 0;
  let limited = false;
  for (let n = 0; n < input.flows.length; n++) {
    if (n % NODES_PER_TURN === NODES_PER_TURN - 1) await turn();
    const node = input.flows[n]!;
    if (typeof node.id !== 'string' || typeof node.type !== 'string') continue;
    let fields = input.passwordFields(node.type);
    const credentials = input.credentialsOf(node.id);
    if (fields === undefined) fields = fieldsNamedLikePasswords(credentials);
    const { texts, limited: nodeLimited } = nodeTexts(node, credentials, fields ?? EMPTY_FIELDS);
    limited ||= nodeLimited;
    for (const text of texts) {
      const size = Math.min(text.text.length, MAX_TEXT_CHARS);
      if (chars + size > MAX_SCAN_CHARS) {
        limited = true;
        break;
      }
      chars += size;
      located.push({ node, text });
    }
    if (chars >= MAX_SCAN_CHARS) break;
  }
  const readable = located.map((l) => (l.text.text.length <= MAX_TEXT_CHARS ? l.text.text : ''));
  const hits = await input.detect(readable);
  const shapesOf = new Map<number, { start: number; end: number; rule: string }[]>();
  for (const hit of hits) shapesOf.set(hit.index, [...(shapesOf.get(hit.index) ?? []), hit]);

  const findings: KeptFinding[] = [];
  let count = 0;
  let lookups = 0;
  const add = (where: Located, rule: FindingRule, span: { start: number; end: number } | undefined, detail?: string): void => {
    count++;
    if (findings.length >= MAX_KEPT_FINDINGS) return;
    const { node, text } = where;
    const finding: Finding = { id: node.id, type: node.type, name: typeof node.name === 'string' ? node.name : '', z: typeof node.z === 'string' ? node.z : '', property: text.path, rule, movable: !text.code };
    if (detail !== undefined) finding.detail = detail;
    if (text.code && span) finding.line = lineAt(text.text, span.start);
    const at = { credentials: text.credential !== undefined, steps: text.steps };
    findings.push(text.code && span ? { finding, at, span } : { finding, at });
  };
  for (let i = 0; i < located.length; i++) {
    if (i % TEXTS_PER_TURN === TEXTS_PER_TURN - 1) await turn();
    const where = located[i]!;
    const { text } = where;
    const value = readable[i]!;
    // Code reports each line once; any other text is one property, reported once.
    const lines = new Set<number>();
    const once = (span: { start: number; end: number } | undefined): boolean => {
      const line = text.code && span ? lineAt(text.text, span.start) : 0;
      if (lines.has(line) || (!text.code && lines.size > 0)) return false;
      lines.add(line);
      return true;
    };
    for (const [start, end] of value === '' ? [] : input.synced.ranges(value)) {
      if (!once({ start, end })) continue;
      const key = !text.code && lookups < MAX_KEY_LOOKUPS ? (lookups++, input.synced.keyOf(value.trim())) : undefined;
      add(where, 'synced-value', { start, end }, key);
    }
    if (text.credential === 'password' && literalPassword(text.text) && once(undefined)) add(where, 'password-field', undefined);
    for (const hit of shapesOf.get(i) ?? []) if (once(hit)) add(where, 'credential-shape', hit, hit.rule);
    const url = value === '' ? undefined : urlPassword(value);
    if (url && once(url)) add(where, 'credential-shape', url, 'url-password');
    if (text.named && !text.code && highEntropyLiteral(text.text) && once(undefined)) add(where, 'named-literal', undefined);
  }
  return { findings, count, nodes: input.flows.length, texts: located.length, chars, limited };
}

/** Without a type's definition: the credential fields whose names read like a password's, holding a literal. */
function fieldsNamedLikePasswords(credentials: unknown): ReadonlySet<string> | undefined {
  if (typeof credentials !== 'object' || credentials === null) return undefined;
  return new Set(Object.keys(credentials).filter((key) => credentialName(key) && /pass|pwd|secret|token/i.test(key)));
}
