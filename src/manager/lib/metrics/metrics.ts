// The manager's Prometheus metrics (prom-client): every figure read at scrape time from plain counters and the stores, plus Node's process metrics.
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { RequestCounts } from './request-counts';
import { readStoreFigures } from './store-figures';
import type { StoreFigureDeps, StoreFigures } from './store-figures';

/** What the metrics read. */
export interface MetricsDeps extends StoreFigureDeps {
  /** Long polls waiting now. */
  waiters: () => number;
  /** The most long polls open at once (`--max-waiters`). */
  maxWaiters: number;
  /** Milliseconds since 1970; tests pass their own. */
  now?: () => number;
}

/** The store figures are read at most this often: scrapes in between reuse them, so a scrape flood cannot make the manager count again and again. */
export const FIGURES_TTL_MS = 1_000;

let processRegistry: Registry | undefined;

/**
 * Node's own metrics (CPU, memory, heap, handles, garbage collection, and the
 * event loop's delay as `nodejs_eventloop_lag_*`), once per process: they
 * describe the process, and each registration starts an event-loop monitor
 * that is never stopped.
 */
function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

/**
 * The registry `GET /metrics` answers from (README, "Operate the Secret
 * Manager"). Nothing here runs per request: requests are counted by
 * {@link RequestCounts} in plain integers, and every metric is filled by its
 * `collect` callback when Prometheus scrapes.
 */
export class ManagerMetrics {
  /** The request counters the HTTP paths increment. */
  readonly requests = new RequestCounts();
  readonly #registry = new Registry();
  readonly #deps: MetricsDeps;
  readonly #now: () => number;
  #figures: { at: number; value: StoreFigures } | undefined;

  constructor(deps: MetricsDeps) {
    this.#deps = deps;
    this.#now = deps.now ?? Date.now;
    this.#register();
  }

  /** The Content-Type of {@link ManagerMetrics.render}'s text. */
  get contentType(): string {
    return this.#registry.contentType;
  }

  /** The exposition text: the process metrics, then the manager's. */
  async render(): Promise<string> {
    const [process, manager] = await Promise.all([processMetrics().metrics(), this.#registry.metrics()]);
    return `${process}\n${manager}\n`;
  }

  #figuresNow(): StoreFigures {
    const now = this.#now();
    if (!this.#figures || now - this.#figures.at >= FIGURES_TTL_MS) this.#figures = { at: now, value: readStoreFigures(this.#deps) };
    return this.#figures.value;
  }

  #register(): void {
    const registers = [this.#registry];
    const requests = this.requests;
    const figures = (): StoreFigures => this.#figuresNow();
    const deps = this.#deps;
    const now = this.#now;
    new Counter({
      name: 'secret_manager_http_requests_total',
      help: 'Requests answered, by method, route pattern (never the raw path) and status.',
      labelNames: ['method', 'route', 'status'],
      registers,
      collect() {
        this.reset();
        for (const t of requests.tallies()) this.inc({ method: t.method, route: t.route, status: String(t.status) }, t.count);
      },
    });
    new Gauge({
      name: 'secret_manager_long_polls',
      help: 'Long polls (watches) waiting now.',
      registers,
      collect() {
        this.set(deps.waiters());
      },
    });
    new Gauge({
      name: 'secret_manager_long_polls_max',
      help: 'The most long polls open at once (--max-waiters).',
      registers,
      collect() {
        this.set(deps.maxWaiters);
      },
    });
    new Gauge({
      name: 'secret_manager_secrets',
      help: 'Secrets per scope: space="@org" for the organization, then the 100 spaces with most secrets, the rest summed as "@other".',
      labelNames: ['space'],
      registers,
      collect() {
        this.reset();
        for (const { space, count } of figures().secrets) this.set({ space }, count);
      },
    });
    new Gauge({
      name: 'secret_manager_spaces',
      help: 'Spaces with at least one secret of their own.',
      registers,
      collect() {
        this.set(figures().spaces);
      },
    });
    new Gauge({
      name: 'secret_manager_tokens',
      help: 'Active (not revoked) tokens by role; read tokens per space (the 100 with most, the rest as "@other").',
      labelNames: ['role', 'space'],
      registers,
      collect() {
        this.reset();
        for (const { role, space, count } of figures().tokens) this.set({ role, space }, count);
      },
    });
    new Gauge({
      name: 'secret_manager_fleet_instances',
      help: "Plugin instances per space that synced the space's current version (state=current) or not yet (state=behind); the 100 largest spaces, the rest as \"@other\".",
      labelNames: ['space', 'state'],
      registers,
      collect() {
        this.reset();
        for (const { space, current, behind } of figures().fleet) {
          this.set({ space, state: 'current' }, current);
          this.set({ space, state: 'behind' }, behind);
        }
      },
    });
    new Counter({
      name: 'secret_manager_audit_entries_total',
      help: 'Audit entries written (folded repeats count once).',
      registers,
      collect() {
        this.reset();
        this.inc(figures().auditEntries);
      },
    });
    new Gauge({
      name: 'secret_manager_backup_last_timestamp_seconds',
      help: 'When the last backup completed, in seconds since 1970; 0 before the first.',
      registers,
      collect() {
        this.set(figures().backupLastAt ?? 0);
      },
    });
    new Gauge({
      name: 'secret_manager_backup_age_seconds',
      help: 'Seconds since the last backup completed; +Inf before the first.',
      registers,
      collect() {
        const last = figures().backupLastAt;
        this.set(last === undefined ? Infinity : Math.max(0, now() / 1000 - last));
      },
    });
    new Gauge({
      name: 'secret_manager_database_bytes',
      help: 'Size of the database file and of its write-ahead log.',
      labelNames: ['file'],
      registers,
      collect() {
        this.reset();
        for (const { file, bytes } of figures().databaseBytes) this.set({ file }, bytes);
      },
    });
  }
}
