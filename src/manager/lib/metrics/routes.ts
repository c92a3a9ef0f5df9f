// The route pattern a request is counted and logged under: a fixed table, so no path a client sends can add a label value.

/** A route pattern: its literal segments, and `:name` for one segment of any text. */
const PATTERNS: readonly string[] = [
  '/healthz',
  '/metrics',
  '/v1/session',
  '/v1/spaces',
  '/v1/spaces/:space/secrets',
  '/v1/spaces/:space/secrets/meta',
  '/v1/spaces/:space/secrets/:name',
  '/v1/spaces/:space/instances',
  '/v1/spaces/:space/instances/:id',
  '/v1/spaces/:space/instances/:id/usage',
  '/v1/org/secrets',
  '/v1/org/secrets/meta',
  '/v1/org/secrets/:name',
  '/v1/tokens',
  '/v1/tokens/:id',
  '/v1/audit',
  '/v1/backup',
];

/** The console's own files (README, "The web console"). */
const CONSOLE_PATHS: ReadonlySet<string> = new Set(['/', '/index.html', '/console.js', '/console.css']);

/** The long poll: the plain read's path with `?wait=` (README, "HTTP API"). */
const WATCH = '/v1/spaces/:space/secrets?wait';
/** Every path the table does not know: random paths all count here. */
export const OTHER_ROUTE = 'other';
/** The console's files. */
export const CONSOLE_ROUTE = 'console';

const TABLE = PATTERNS.map((pattern) => ({ pattern, segments: pattern.split('/') }));

/** Every label value {@link routeOf} can answer: the bound of the route label. */
export const ROUTE_LABELS: readonly string[] = [...PATTERNS, WATCH, CONSOLE_ROUTE, OTHER_ROUTE];

/** The methods counted by name; any other is counted as `other`. */
const METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/** `method` as counted: one of seven names, or `other`. */
export function methodLabel(method: string | undefined): string {
  return method !== undefined && METHODS.has(method) ? method : OTHER_ROUTE;
}

/**
 * The route pattern of `url` (a request target, query included): one of
 * {@link ROUTE_LABELS}, whatever the path. A `:name` segment matches any
 * non-empty segment, so `/v1/spaces/x/secrets` and `/v1/spaces/y/secrets` are
 * one route; the first pattern that matches wins (`…/secrets/meta` before
 * `…/secrets/:name`).
 */
export function routeOf(url: string): string {
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  if (CONSOLE_PATHS.has(path)) return CONSOLE_ROUTE;
  const segments = path.split('/');
  for (const { pattern, segments: want } of TABLE) {
    if (want.length !== segments.length) continue;
    let match = true;
    for (let i = 0; i < want.length && match; i++) {
      const w = want[i] as string;
      const s = segments[i] as string;
      match = w.startsWith(':') ? s !== '' : w === s;
    }
    if (!match) continue;
    // A long poll is a route of its own: its 304s are timeouts, not cache hits.
    if (pattern === '/v1/spaces/:space/secrets' && q >= 0 && /(^|&)wait=/.test(url.slice(q + 1))) return WATCH;
    return pattern;
  }
  return OTHER_ROUTE;
}
