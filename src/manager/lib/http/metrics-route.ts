// `GET /metrics`: the Prometheus text for an admin or viewer token (README, "Operate the Secret Manager").
import type { Request, RequestHandler, Response } from 'express';
import type { ManagerMetrics } from '../metrics/metrics';
import { principalOf, requireViewer } from './auth';

/**
 * The handler behind `authenticate`: 403 `forbidden` for a read token (it may
 * read its space, not see every space's counts), else the metrics text.
 */
export function metricsRoute(metrics: ManagerMetrics): RequestHandler {
  return async (_req: Request, res: Response): Promise<void> => {
    requireViewer(principalOf(res));
    const text = await metrics.render();
    res.set('Cache-Control', 'no-store');
    res.type(metrics.contentType);
    res.send(text);
  };
}
