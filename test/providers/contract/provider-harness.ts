// What the shared provider suite (provider-contract.ts) needs of each provider under test: a real backing source it can write to.
import type { SecretProvider } from '../../../src/providers/provider';

/** Where a test secret is written: the space under test, or the organization (shared by every space). */
export type HarnessScope = 'space' | 'org';

/** A value as a source holds it: a string, or the pairs of a multi-pair secret. */
export type HarnessValue = string | Readonly<Record<string, string>>;

/**
 * One provider under the shared suite, backed by a real source (the real
 * manager, a real OpenBao, a real directory, moto's AWS API). Each test calls
 * `start` for a fresh space (so tests do not see each other's keys) and the
 * harness's `stop` in `after`.
 */
export interface ProviderHarness {
  /** The provider's name in reports (`secret-manager`, `vault`, `files`, `aws`). */
  readonly name: string;
  /** What the source can hold; a test needing what it lacks is skipped with its reason. */
  readonly supports: {
    /** Organization keys shared by every space (the space wins a clash). */
    org: boolean;
    /** Multi-pair secrets. */
    multiPair: boolean;
    /** `waitForChange` (long poll or file watch). */
    watch: boolean;
    /**
     * Whether `fetch` answers `{ status: 'unchanged' }` when given the ETag of
     * an unchanged source (default true). A provider that cannot tell answers
     * `changed` with the same secrets instead, and says so in its README section.
     */
    unchanged?: boolean;
    /**
     * Whether the source can hold a key name the plugin cannot accept
     * (`bad.name`); false where the source refuses such names itself (the
     * Secret Manager), and the test is skipped with that reason.
     */
    badNames?: boolean;
  };
  /** Starts the real source once (called in `before`); skips the suite with a visible reason where the source cannot run here. */
  setUp(suite: Mocha.Context): Promise<void>;
  /** Stops the source and removes what setUp made. */
  tearDown(): Promise<void>;
  /** A fresh, empty space on the source (unique name) and a provider configured for it. */
  newSpace(): Promise<HarnessSpace>;
}

/** One space of a harness: write to its source, read through its provider. */
export interface HarnessSpace {
  readonly space: string;
  /** The provider for this space, as the plugin would build it (close it after the test). */
  readonly provider: SecretProvider;
  /** Creates or replaces a secret on the source. */
  put(scope: HarnessScope, key: string, value: HarnessValue): Promise<void>;
  /** Deletes a secret on the source. */
  remove(scope: HarnessScope, key: string): Promise<void>;
  /** Makes the source fail for this provider (stopped server, denied token, unreadable directory) until `heal`. */
  breakSource(): Promise<void>;
  /** Undoes `breakSource`. */
  heal(): Promise<void>;
}
