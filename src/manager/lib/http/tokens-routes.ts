// Routes for tokens: issue (shown once), list without the tokens themselves, revoke.
import { Router } from 'express';
import { tokenActor } from '../audit-store';
import type { AuditStore } from '../audit-store';
import type { TokenStore } from '../token-store';
import { parseTokenBody } from '../validation';
import { principalOf, requireAdmin, requireViewer } from './auth';
import { parseAuditQuery } from './audit-query';
import { requireJson } from './json-body';

/** Audit entries per page (`?before=` pages back). */
export const AUDIT_PAGE = 200;

/** Builds the router for `/v1/tokens` (admin) and `/v1/audit` (admin, viewer). */
export function tokensRoutes(tokens: TokenStore, audit: AuditStore): Router {
  const router = Router();
  router.use('/tokens', (_req, res, next) => {
    requireAdmin(principalOf(res));
    next();
  });
  router.get('/tokens', (_req, res) => {
    res.json({ tokens: tokens.list() });
  });
  router.post('/tokens', (req, res) => {
    requireJson(req);
    const { token, record } = tokens.create(parseTokenBody(req.body), tokenActor(principalOf(res), req.ip));
    res.status(201).json({ ...record, token });
  });
  router.delete('/tokens/:id', (req, res) => {
    tokens.revoke(String(req.params.id), tokenActor(principalOf(res), req.ip));
    res.status(204).end();
  });
  router.get('/audit', (req, res) => {
    requireViewer(principalOf(res));
    const { before, filter } = parseAuditQuery(req.query);
    res.json({ entries: audit.list(AUDIT_PAGE, before, filter) });
  });
  return router;
}
