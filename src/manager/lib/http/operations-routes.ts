// Routes for operators: `POST /v1/backup` streams a backup, `POST /v1/master-key/rotate` rotates the master key; admin bearer tokens only.
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { Router } from 'express';
import type { Response } from 'express';
import { tokenActor } from '../audit-store';
import { ManagerError } from '../errors';
import type { ManagerOperations } from '../manager-operations';
import { principalOf, requireAdmin, viaSession } from './auth';

// The console never takes the database away or changes the key: a script in the console's origin could not either.
function requireAdminToken(res: Response): void {
  requireAdmin(principalOf(res));
  if (viaSession(res)) throw new ManagerError('forbidden', 403, 'Backups and key rotations need an admin token (Authorization: Bearer), not a console session');
}

/** Builds the router for `/v1/backup` and `/v1/master-key/rotate`. */
export function operationsRoutes(operations: ManagerOperations): Router {
  const router = Router();
  router.post('/backup', async (req, res) => {
    requireAdminToken(res);
    let backup;
    try {
      backup = await operations.backup(tokenActor(principalOf(res), req.ip));
    } catch (err) {
      if (err instanceof ManagerError && err.code === 'backup_in_progress') res.set('Retry-After', String((err.details as { retryAfter: number }).retryAfter));
      throw err;
    }
    res.status(200);
    res.set({
      'Content-Type': 'application/vnd.sqlite3',
      'Content-Length': String(backup.bytes),
      'Content-Disposition': `attachment; filename="${backup.name}"`,
    });
    try {
      // Large reads: fewer callbacks on the event loop for the same bytes.
      await pipeline(createReadStream(backup.file, { highWaterMark: 1024 * 1024 }), res);
    } catch {
      // The client left or the file could not be read: the answer is cut short, and its length tells the client so.
      res.destroy();
    } finally {
      await backup.release();
    }
  });
  router.post('/master-key/rotate', async (req, res) => {
    requireAdminToken(res);
    res.json(await operations.rotate(tokenActor(principalOf(res), req.ip)));
  });
  return router;
}
