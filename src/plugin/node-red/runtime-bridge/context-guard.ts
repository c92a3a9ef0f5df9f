// Keeps secret values out of Node-RED's context API (GET <httpAdminRoot>/context/…), for every user and every URL spelling.
import type { Request, Response } from 'express';
import { isContextRoute, maskContextAnswer } from '../../core/context-answer';
import type { KeyParser } from '../../core/context-answer';
import type { Publication } from '../../core/publication';
import { asExpressApp, prependMiddleware } from './express-layers';

/**
 * The key path a context route extracted: Express 4 names a route's `*` as
 * `req.params[0]`; Express 5 has only named wildcards (`*key`), whose value
 * is the list of segments.
 */
export function wildcardParam(params: Record<string, unknown>): unknown {
  if (params[0] !== undefined) return params[0];
  for (const [name, value] of Object.entries(params)) {
    if (name !== 'scope' && name !== 'id' && Array.isArray(value) && value.every((part) => typeof part === 'string')) return value.join('/');
  }
  return undefined;
}

/**
 * Guards the context API. Node-RED's own routes run before any route a
 * plugin can add, so the guard is put at the front of the editor's admin app
 * (the app that holds, and is the only way into, the context routes): it
 * runs first for every request, whatever the path's spelling. It decides
 * nothing from the URL: it wraps `res.json`, and when Node-RED answers, the
 * route pattern Node-RED's router matched (`req.route.path`) and the
 * parameters it extracted (`req.params`) say whether this is a context read
 * and of which key (README, "Security and reliability").
 *
 * `apps` are the candidates, outermost first; `current` is the publication
 * whose secrets and masker apply; `defaultStore` names the store whose global
 * listing gets SECRETS (see maskContextAnswer). Returns the undo, or
 * undefined when none is an Express app (the bridge reports it unavailable).
 */
export function guardContextApi(apps: readonly unknown[], current: () => Publication, parse: KeyParser, defaultStore: () => string | undefined = () => undefined): (() => void) | undefined {
  const app = apps.map(asExpressApp).find((candidate) => candidate !== undefined);
  if (!app) return undefined;
  // Named `guard`: the layer's name, which tests look for at the front of the admin app.
  const guard = (req: Request, res: Response, next: () => void): void => {
    const json = res.json;
    res.json = function maskedJson(this: Response, body: unknown): Response {
      const route = (req.route as { path?: unknown } | undefined)?.path;
      if (!isContextRoute(route)) return json.call(this, body);
      const params = req.params as Record<string, unknown>;
      const request = { routePath: route, scope: params.scope, key: wildcardParam(params), keysOnly: req.query.keysOnly !== undefined, defaultStore: defaultStore() };
      const { snapshot, masker } = current();
      return json.call(this, maskContextAnswer(request, body, snapshot, masker, parse));
    };
    next();
  };
  return prependMiddleware(app, guard);
}
