// The plugin's admin HTTP API (SPEC §4) under Node-RED's httpAdminRoot; no answer ever holds a secret value.
import type { Request, Response } from 'express';
import { SyncError, toSyncError } from '../../shared/sync-error';
import type { PluginLogger } from '../core/logger';
import type { NodeRedApi } from './red-types';
import type { SecretSyncService } from '../core/service';

/** Permission for the GET routes. */
export const READ_PERMISSION = 'secret-sync.read';
/** Permission for the routes that change something. */
export const WRITE_PERMISSION = 'secret-sync.write';

/** Codes that mean the request itself was wrong. */
const BAD_REQUEST = new Set(['invalid_preferences', 'invalid_query']);

function fail(res: Response, err: unknown, logger: PluginLogger): void {
  const error = toSyncError(err);
  const status = BAD_REQUEST.has(error.code) ? 400 : 500;
  if (status === 500) logger.error(`admin API failed (${error.code})`);
  res.status(status).json({ code: error.code, message: error.message, ...(error.field ? { field: error.field } : {}) });
}

/** Registers `secret-sync/status`, `keys`, `sync` and `preferences` on `RED.httpAdmin`. */
export function registerAdminRoutes(RED: NodeRedApi, service: SecretSyncService, logger: PluginLogger): void {
  const read = RED.auth.needsPermission(READ_PERMISSION);
  const write = RED.auth.needsPermission(WRITE_PERMISSION);

  RED.httpAdmin.get('/secret-sync/status', read, (_req: Request, res: Response) => {
    res.json(service.status());
  });

  RED.httpAdmin.get('/secret-sync/keys', read, (req: Request, res: Response) => {
    const q = req.query.q;
    if (q !== undefined && typeof q !== 'string') {
      fail(res, new SyncError('invalid_query', 'q must be a single text value', { field: 'q' }), logger);
      return;
    }
    const keys = service.keys(q);
    res.json({ keys, total: keys.length });
  });

  RED.httpAdmin.post('/secret-sync/sync', write, (_req: Request, res: Response) => {
    service.sync('manual').then(
      (status) => res.json(status),
      (err: unknown) => fail(res, err, logger),
    );
  });

  RED.httpAdmin.put('/secret-sync/preferences', write, (req: Request, res: Response) => {
    service.setPreferences(req.body).then(
      (status) => res.json(status),
      (err: unknown) => fail(res, err, logger),
    );
  });
}
