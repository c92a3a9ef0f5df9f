// The plugin's admin HTTP API under Node-RED's httpAdminRoot (README, "Admin API"); no answer ever holds a secret value.
import type { Request, Response } from 'express';
import { PERMISSIONS, ROUTES } from '../../shared/contract';
import { SyncError, toSyncError } from '../../shared/sync-error';
import type { PluginLogger } from '../core/logger';
import type { SecretReferences } from '../core/secret-references';
import type { SecretSyncService } from '../core/service';
import type { NodeRedApi } from './red-types';

/** Codes that mean the request itself was wrong. */
const BAD_REQUEST = new Set(['invalid_preferences', 'invalid_query']);

function fail(res: Response, err: unknown, logger: PluginLogger): void {
  const error = toSyncError(err);
  const status = BAD_REQUEST.has(error.code) ? 400 : 500;
  if (status === 500) logger.error(`admin API failed (${error.code})`);
  res.status(status).json({ code: error.code, message: error.message, ...(error.field ? { field: error.field } : {}) });
}

/**
 * Registers `status`, `keys`, `sync` and `preferences` on `RED.httpAdmin`.
 * Every change is audited as Node-RED audits its own admin API: the event,
 * the user and the request (never a value).
 */
export function registerAdminRoutes(RED: NodeRedApi, service: SecretSyncService, references: SecretReferences, logger: PluginLogger): void {
  const read = RED.auth.needsPermission(PERMISSIONS.read);
  const write = RED.auth.needsPermission(PERMISSIONS.write);

  RED.httpAdmin.get(`/${ROUTES.status}`, read, (_req: Request, res: Response) => {
    res.json(service.status());
  });

  RED.httpAdmin.get(`/${ROUTES.keys}`, read, (req: Request, res: Response) => {
    const q = req.query.q;
    if (q !== undefined && typeof q !== 'string') {
      fail(res, new SyncError('invalid_query', 'q must be a single text value', { field: 'q' }), logger);
      return;
    }
    const keys = service.keys(q);
    res.json({ keys, total: keys.length });
  });

  RED.httpAdmin.post(`/${ROUTES.sync}`, write, (req: Request, res: Response) => {
    RED.log.audit({ event: 'secret-sync.sync' }, req);
    service.sync('manual').then(
      (status) => res.json(status),
      (err: unknown) => fail(res, err, logger),
    );
  });

  RED.httpAdmin.post(`/${ROUTES.restart}`, write, (req: Request, res: Response) => {
    references.restartPending().then(
      (nodes) => {
        RED.log.audit({ event: 'secret-sync.restart', nodes: nodes.map((n) => n.id) }, req);
        res.json(service.status());
      },
      (err: unknown) => fail(res, err, logger),
    );
  });

  RED.httpAdmin.put(`/${ROUTES.preferences}`, write, (req: Request, res: Response) => {
    service.setPreferences(req.body).then(
      (status) => {
        RED.log.audit({ event: 'secret-sync.preferences', interval: status.interval, syncOnDeploy: status.syncOnDeploy }, req);
        res.json(status);
      },
      (err: unknown) => {
        RED.log.audit({ event: 'secret-sync.preferences', error: toSyncError(err).code }, req);
        fail(res, err, logger);
      },
    );
  });
}
