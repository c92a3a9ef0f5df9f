// When the keys the deployed flows use go to the provider's fleet view: after a deploy that changed them, again after a good sync when one did not arrive, and whenever the provider asks.
import type { KeyUsage } from '../../shared/fleet-wire';

/** What the reports go through. */
export interface UsageReportsDeps {
  /** Sends one report; resolves false when it did not arrive (never rejects). */
  send: (usage: readonly KeyUsage[]) => Promise<boolean>;
  /** Whether the provider asked for a report since the last call (it forgot this instance, or never had its report). */
  takeRequest: () => boolean;
}

/**
 * The usage report's state: the usage of the deployed flows, and the last
 * report that arrived. One report at a time; a report equal to the last one
 * that arrived is not sent again unless the provider asks for it.
 */
export class UsageReports {
  readonly #deps: UsageReportsDeps;
  #current: { usage: readonly KeyUsage[]; json: string } | undefined;
  #lastReported = '';
  #reporting = false;

  constructor(deps: UsageReportsDeps) {
    this.#deps = deps;
  }

  /** The deployed flows use `usage` now (each start of the flows that is not the plugin's own restart of a few nodes). */
  deployed(usage: readonly KeyUsage[]): void {
    this.#current = { usage, json: JSON.stringify(usage) };
    void this.#report();
  }

  /** After each good sync: a report that did not arrive goes now, and all of it goes again when the provider asked. */
  synced(): void {
    if (this.#current && this.#deps.takeRequest()) this.#lastReported = '';
    void this.#report();
  }

  async #report(): Promise<void> {
    const sending = this.#current;
    if (!sending || this.#reporting || sending.json === this.#lastReported) return;
    this.#reporting = true;
    try {
      if (await this.#deps.send(sending.usage)) this.#lastReported = sending.json;
    } finally {
      this.#reporting = false;
    }
  }
}
