// The admin routes of the credential scan (README, "Move existing credentials"): the findings, never a value.
import type { Request, Response } from 'express';
import { PERMISSIONS, ROUTES } from '../../shared/contract';
import type { CredentialFindings } from '../core/credential-findings';
import type { NodeRedApi } from './red-types';

/** Registers `GET secret-sync/findings` on `RED.httpAdmin`. */
export function registerFindingsRoutes(RED: NodeRedApi, findings: CredentialFindings): void {
  const read = RED.auth.needsPermission(PERMISSIONS.read);
  RED.httpAdmin.get(`/${ROUTES.findings}`, read, (_req: Request, res: Response) => {
    res.json(findings.answer());
  });
}
