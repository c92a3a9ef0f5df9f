// Pure formatting for the sidebar: relative times, state presentation and the paths users copy.
import { HOOK_NAMES, SECRETS_KEY } from '../../src/shared/contract';
import type { HookName, HooksStatus } from '../../src/shared/contract';

/** How a state looks: an icon class and a colour role. */
export interface StateLook {
  icon: string;
  tone: 'success' | 'error' | 'warning' | 'muted';
}

/** Icon and tone per state; the label comes from the message catalog. */
export function stateLook(state: string): StateLook {
  switch (state) {
    case 'ok':
      return { icon: 'fa fa-check-circle', tone: 'success' };
    case 'syncing':
      return { icon: 'fa fa-refresh fa-spin', tone: 'muted' };
    case 'error':
      return { icon: 'fa fa-exclamation-triangle', tone: 'error' };
    default:
      return { icon: 'fa fa-circle-o', tone: 'warning' };
  }
}

/** A relative time split into a catalog key and a count, e.g. `{ key: 'minutesAgo', count: 5 }`. */
export interface Relative {
  key: 'justNow' | 'secondsAgo' | 'minutesAgo' | 'hoursAgo' | 'daysAgo' | 'inSeconds' | 'inMinutes' | 'inHours' | 'inDays';
  count: number;
}

/** Describes `iso` relative to `nowMs`; past and future both. */
export function relativeTime(iso: string, nowMs: number): Relative {
  const delta = Math.round((Date.parse(iso) - nowMs) / 1000);
  const abs = Math.abs(delta);
  const future = delta > 0;
  if (abs < 5) return { key: future ? 'inSeconds' : 'justNow', count: abs };
  if (abs < 60) return { key: future ? 'inSeconds' : 'secondsAgo', count: abs };
  if (abs < 3600) return { key: future ? 'inMinutes' : 'minutesAgo', count: Math.round(abs / 60) };
  if (abs < 86400) return { key: future ? 'inHours' : 'hoursAgo', count: Math.round(abs / 3600) };
  return { key: future ? 'inDays' : 'daysAgo', count: Math.round(abs / 86400) };
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

function member(name: string, quote: "'" | '"'): string {
  return IDENTIFIER.test(name) ? `.${name}` : `[${quote}${name}${quote}]`;
}

/** What a function node writes to read `key` (and `field` of a multi-pair secret). */
export function functionPath(key: string, field?: string): string {
  return `global.get('${SECRETS_KEY}')${member(key, "'")}${field === undefined ? '' : member(field, "'")}`;
}

/** What any node property or credential takes: Node-RED substitutes it when the node starts. */
export function referencePath(key: string, field?: string): string {
  return `\${${SECRETS_KEY}.${key}${field === undefined ? '' : `.${field}`}}`;
}

/** The global context path change, inject and http request nodes take. */
export function contextPath(key: string, field?: string): string {
  return `${SECRETS_KEY}${member(key, '"')}${field === undefined ? '' : member(field, '"')}`;
}

/** Watch refusal codes the catalog explains in plain words (`watch.reason.<code>`); any other shows the runtime's message. */
const WATCH_REASONS: readonly string[] = ['too_many_waiters', 'too_many_waiters_for_token', 'too_many_waiters_for_space', 'rate_limited', 'unreachable', 'connection_reset', 'timeout', 'server_error', 'unauthorized', 'forbidden'];

/** The catalog key that explains why a degraded watch's long polls are refused. */
export function watchReasonKey(code: string | null): string {
  return code !== null && WATCH_REASONS.includes(code) ? `watch.reason.${code}` : 'watch.reason.other';
}

/** The hooks into Node-RED that did not take, in the contract's order (the sidebar names them; a runtime older than the `hooks` field has none). */
export function unavailableHooks(hooks: Partial<HooksStatus> | undefined): HookName[] {
  return HOOK_NAMES.filter((name) => hooks?.[name] === 'unavailable');
}
