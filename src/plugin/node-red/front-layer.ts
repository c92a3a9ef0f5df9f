// Puts a middleware at the very front of an Express app Node-RED runs, so it sees every request the app routes.

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
