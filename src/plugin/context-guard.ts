// Keeps secret values out of Node-RED's context API: GET /context/global/SECRETS… answers masks, for every user.
import type { IncomingMessage } from 'node:http';
import type { Request, Response } from 'express';
import type { NodeRedApi } from './red-types';
import type { Snapshot } from './snapshot';
import { MASK } from './status';

/** The key of `/context/global/<key>` when it is SECRETS or a path inside it. */
const SECRETS_KEY = /^SECRETS(?:$|[.[])/;
/** Where masked answers are served (under httpAdminRoot). */
export const MASKED_CONTEXT_PATH = '/secret-sync/masked-context';

/** The masked view of `key` (SECRETS, or a path inside it) in the shape Node-RED's context API answers. */
export function maskedContext(snapshot: Snapshot, key: string): { msg: string; format: string } {
  if (key === 'SECRETS') {
    const view = Object.fromEntries(
      snapshot.keys.map((k) => {
        const entry = snapshot.secrets[k];
        return [k, typeof entry === 'string' || entry === undefined ? MASK : Object.fromEntries(Object.keys(entry).map((f) => [f, MASK]))];
      }),
    );
    return { msg: JSON.stringify(view), format: 'Object' };
  }
  return { msg: MASK, format: `string[${MASK.length}]` };
}

/**
 * Node-RED serves global context values to anyone with `context.read`, and
 * global.SECRETS is global context. Node-RED's own routes run before any a
 * plugin can add, so the request is redirected before routing: a GET of
 * `<httpAdminRoot>context/global/SECRETS…` is rewritten, on the HTTP server,
 * to this plugin's masked route (same `context.read` permission).
 */
export function guardContextApi(RED: NodeRedApi, adminRoot: string, snapshot: () => Snapshot): boolean {
  const root = adminRoot.endsWith('/') ? adminRoot : `${adminRoot}/`;
  const prefix = `${root}context/global/`;
  RED.httpAdmin.get(MASKED_CONTEXT_PATH, RED.auth.needsPermission('context.read'), (req: Request, res: Response) => {
    const key = typeof req.query.key === 'string' ? req.query.key : 'SECRETS';
    res.json(maskedContext(snapshot(), key));
  });
  if (!RED.server?.prependListener) return false;
  RED.server.prependListener('request', (req: IncomingMessage) => {
    const url = req.url ?? '';
    if (req.method !== 'GET' || !url.startsWith(prefix)) return;
    let key: string;
    try {
      key = decodeURIComponent(url.slice(prefix.length).split('?')[0] ?? '');
    } catch {
      return;
    }
    if (SECRETS_KEY.test(key)) req.url = `${root}${MASKED_CONTEXT_PATH.slice(1)}?key=${encodeURIComponent(key)}`;
  });
  return true;
}
