// The layers this plugin adds to Node-RED's Express apps: a middleware at the very front, routes, and their removal.

/** An Express 4 router layer, as far as this package reads it. */
interface Layer {
  name?: string;
  handle?: unknown;
}

/** An Express 4 app: `use` adds a layer at the end of `_router.stack`. */
interface ExpressAppLike {
  use(handler: unknown): unknown;
  _router?: { stack?: unknown };
}

/** The Express app `candidate` is, or undefined when it is not one (an app has `use`, `handle` and a router stack). */
export function asExpressApp(candidate: unknown): ExpressAppLike | undefined {
  if (typeof candidate !== 'function') return undefined;
  const app = candidate as Partial<ExpressAppLike> & { handle?: unknown };
  if (typeof app.use !== 'function' || typeof app.handle !== 'function') return undefined;
  return Array.isArray(app._router?.stack) ? (app as ExpressAppLike) : undefined;
}

/**
 * Adds `handler` to `app` and moves its layer to the front, right after
 * Express's own `query` and `expressInit` layers (which set up `req.query`
 * and the response methods), so it runs before every route and sub-app of
 * `app` for every request, whatever its spelling. Returns the undo.
 */
export function prependMiddleware(app: ExpressAppLike, handler: (...args: never[]) => void): () => void {
  app.use(handler);
  const stack = app._router!.stack as Layer[];
  const index = stack.findIndex((layer) => layer.handle === handler);
  const [layer] = stack.splice(index, 1);
  let at = 0;
  while (at < stack.length && (stack[at]!.name === 'query' || stack[at]!.name === 'expressInit')) at++;
  stack.splice(at, 0, layer!);
  return () => {
    const current = stack.indexOf(layer!);
    if (current >= 0) stack.splice(current, 1);
  };
}

/**
 * Runs `register` (which adds routes to `app`) and returns the undo that
 * removes exactly the layers it added. Express has no API to remove a route;
 * the layers are found by comparing the router stack before and after.
 */
export function removableRoutes(app: unknown, register: () => void): () => void {
  // An app makes its router on its first route: read the stack before and after, whichever exists.
  const stackOf = (): Layer[] => (asExpressApp(app)?._router?.stack as Layer[] | undefined) ?? [];
  const before = new Set<unknown>(stackOf());
  register();
  const stack = stackOf();
  const added = stack.filter((layer) => !before.has(layer));
  return () => {
    for (const layer of added) {
      const at = stack.indexOf(layer);
      if (at >= 0) stack.splice(at, 1);
    }
  };
}
