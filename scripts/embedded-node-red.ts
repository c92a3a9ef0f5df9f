// The embedding API of the `node-red` package (RED.init / start / stop), typed once for the launcher and the tests.
import type http from 'node:http';
import type express from 'express';

/** What `require('node-red')` offers an application that embeds Node-RED. */
export interface EmbeddedNodeRed {
  init(server: http.Server, settings: Record<string, unknown>): void;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** The runtime's version, e.g. `5.0.7` (`-git` appended when run from a git checkout). */
  version(): string;
  httpAdmin: express.Express;
  httpNode: express.Express;
}
