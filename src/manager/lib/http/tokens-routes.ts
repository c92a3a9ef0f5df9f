// Routes for tokens: issue (shown once), list without the tokens themselves, revoke.
import { Router } from 'express';
import type { TokenStore } from '../token-store';
import { parseTokenBody } from '../validation';
import { principalOf, requireAdmin } from './auth';
import { requireJson } from './json-body';

/** Builds the router for `/v1/tokens`; every route needs an admin token. */
export function tokensRoutes(tokens: TokenStore): Router {
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
    const { token, record } = tokens.create(parseTokenBody(req.body));
    res.status(201).json({ ...record, token });
  });
  router.delete('/tokens/:id', (req, res) => {
    tokens.revoke(String(req.params.id));
    res.status(204).end();
  });
  return router;
}
