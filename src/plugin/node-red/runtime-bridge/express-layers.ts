// The layers this plugin adds to Node-RED's Express apps (a middleware at the very front, routes) and their removal, on Express 4 and 5.

/** A router layer, as far as this package reads it (Express 4's router and Express 5's `router` package alike). */
interface Layer {
  name?: string;
  handle?: unknown;
}

/** An Express app: `use` adds a layer at the end of its router's stack. */
interface ExpressAppLike {
  use(handler: unknown): unknown;
  handle?: unknown;
  /** Express 4: the router, made on the app's first route or middleware. */
  _router?: { stack?: unknown };
  /** Express 5: the router (a getter that makes it); Express 4: a getter that throws ("'app.router' is deprecated"). */
  router?: { stack?: unknown };
}

/**
 * The router stack of `app`, or undefined when it has none yet or is no
 * Express app: `app._router.stack` on Express 4, `app.router.stack` on
 * Express 5. No Express API lists or removes layers; the stack is the one
 * place they are.
 */
export function routerStack(app: unknown): Layer[] | undefined {
  if (typeof app !== 'function') return undefined;
  const candidate = app as unknown as ExpressAppLike;
  if (Array.isArray(candidate._router?.stack)) return candidate._router.stack as Layer[];
  try {
    const stack = candidate.router?.stack;
    return Array.isArray(stack) ? (stack as Layer[]) : undefined;
  } catch {
    // Express 4 before its first route: `app.router` throws, and `_router` does not exist yet.
    return undefined;
  }
}

/** The Express app `candidate` is, or undefined when it is not one (an app has `use`, `handle` and a router stack). */
export function asExpressApp(candidate: unknown): ExpressAppLike | undefined {
  if (typeof candidate !== 'function') return undefined;
  const app = candidate as unknown as ExpressAppLike;
  if (typeof app.use !== 'function' || typeof app.handle !== 'function') return undefined;
  return routerStack(app) ? app : undefined;
}

/**
 * Adds `handler` to `app` and moves its layer to the front, right after
 * Express 4's own `query` and `expressInit` layers (which set up `req.query`
 * and the response methods; Express 5 has none), so it runs before every
 * route and sub-app of `app` for every request, whatever its spelling.
 * Returns the undo, or undefined (nothing added) when `app` has no router stack.
 */
export function prependMiddleware(app: ExpressAppLike, handler: (...args: never[]) => void): (() => void) | undefined {
  app.use(handler);
  const stack = routerStack(app);
  const index = stack?.findIndex((layer) => layer.handle === handler) ?? -1;
  if (!stack || index < 0) return undefined;
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
 * removes exactly the layers it added, or undefined when `app` has no router
 * stack to remove them from (the routes stay until the process ends).
 * Express has no API to remove a route; the layers are found by comparing
 * the router stack before and after.
 */
export function removableRoutes(app: unknown, register: () => void): (() => void) | undefined {
  // An app makes its router on its first route: read the stack before and after, whichever exists.
  const before = new Set<unknown>(routerStack(app) ?? []);
  register();
  const stack = routerStack(app);
  if (!stack) return undefined;
  const added = stack.filter((layer) => !before.has(layer));
  return () => {
    for (const layer of added) {
      const at = stack.indexOf(layer);
      if (at >= 0) stack.splice(at, 1);
    }
  };
}
