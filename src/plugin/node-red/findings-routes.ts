// The admin routes of the credential scan (README, "Move existing credentials"): the findings and the move, never a value nor the move's credential.
import type { Request, Response } from 'express';
import { PERMISSIONS, ROUTES } from '../../shared/contract';
import { toSyncError } from '../../shared/sync-error';
import type { CredentialFindings } from '../core/credential-findings';
import { boundedMover, holdsCredential } from '../core/credential-move';
import type { MoveDeps } from '../core/credential-move';
import type { PluginLogger } from '../core/logger';
import type { NodeRedApi } from './red-types';

/** The HTTP status of each move error code (README, "Move existing credentials"); any other is the provider's failure, 502. */
const MOVE_STATUS: Record<string, number> = {
  invalid_move: 400,
  credential_refused: 403,
  finding_not_found: 404,
  secret_exists: 409,
  move_refused: 422,
  move_busy: 429,
  move_unsupported: 501,
};

/** A request body's own field, when it is a short string (what the audit names of a refused move). */
function field(body: unknown, name: string): string | undefined {
  const value = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[name] : undefined;
  return typeof value === 'string' && value.length <= 128 ? value : undefined;
}

/** Registers `GET secret-sync/findings` and `POST secret-sync/move` on `RED.httpAdmin`. */
export function registerFindingsRoutes(RED: NodeRedApi, findings: CredentialFindings, move: Omit<MoveDeps, 'findings'>, logger: PluginLogger): void {
  const read = RED.auth.needsPermission(PERMISSIONS.read);
  const write = RED.auth.needsPermission(PERMISSIONS.write);
  // A move also edits a node, and reads a password Node-RED never shows an editor: without flows.write it would hand one to a user who may not edit flows.
  const editFlows = RED.auth.needsPermission('flows.write');
  const moveOne = boundedMover({ ...move, findings });
  RED.httpAdmin.get(`/${ROUTES.findings}`, read, (_req: Request, res: Response) => {
    res.json(findings.answer());
  });

  RED.httpAdmin.post(`/${ROUTES.move}`, write, editFlows, (req: Request, res: Response) => {
    const body: unknown = req.body;
    // Names only: the node, the property and the secret's name; never the value, never the credential.
    const name = field(body, 'name');
    const credential = typeof body === 'object' && body !== null ? (body as Record<string, unknown>).credential : undefined;
    // Nor a name that holds the credential (refused below as invalid_move): the audit never names it.
    const target = { id: field(body, 'id'), property: field(body, 'property'), name: name !== undefined && typeof credential === 'string' && holdsCredential(name, credential) ? undefined : name, scope: field(body, 'scope') };
    moveOne(body).then(
      ({ answer, type }) => {
        RED.log.audit({ event: 'secret-sync.move', ...target, existed: answer.existed }, req);
        logger.info(`moved a credential of ${type} (${target.id}) ${target.property} to ${answer.scope === 'org' ? 'organization' : 'space'} secret ${answer.name}${answer.existed ? ' (it already held that value)' : ''}`);
        res.json(answer);
      },
      (err: unknown) => {
        const error = toSyncError(err);
        RED.log.audit({ event: 'secret-sync.move', ...target, error: error.code }, req);
        const status = MOVE_STATUS[error.code] ?? 502;
        if (status === 502) logger.warn(`moving a credential failed (${error.code})`);
        res.status(status).json({ code: error.code, message: error.message, ...(error.field ? { field: error.field } : {}) });
      },
    );
  });
}
