/**
 * Builds the application from the generated manifest: routes in Fresh
 * order, middleware chains per folder (root first, groups included), layouts,
 * `_app`, `_404`, `_500`/`_error`, static files and client chunks.
 */
import { TrieRouter } from "hono/router/trie-router";
import { Assets, JS_PREFIX } from "./assets.ts";
import { type FreshConfig, resolveConfig } from "./config.ts";
import { islandName, registerIsland } from "./islands.ts";
import { HttpError, isPageResponse } from "./page.ts";
import { renderHtml, setAssets } from "./render.ts";
import {
  compareRoutes,
  isAncestorDir,
  type ParsedRouteFile,
  parseRouteFile,
  type SpecialKind,
} from "./router.ts";
import type {
  CachedPage,
  Context,
  Manifest,
  Method,
  Middleware,
  PageCache,
  PageCacheHint,
  PageProps,
  RouteModule,
} from "./types.ts";
import { METHODS } from "./types.ts";

// deno-lint-ignore no-explicit-any
type AnyComponent = (props: any) => any;
// deno-lint-ignore no-explicit-any
type AnyMiddleware = Middleware<any>;
// deno-lint-ignore no-explicit-any
type AnyHandler = (ctx: Context<any>) => unknown;

export interface AppOptions {
  /** The project's `fresh.config.ts` (static and build folders). */
  config?: FreshConfig;
  /** Directory with `meta.json` and `js/` from the build (default `<root>/_fresh`). */
  buildDir?: string;
  /** Directory of static files (default `<root>/static`). */
  staticDir?: string;
  /**
   * Turns an error thrown by a handler or middleware into the app's answer:
   * a response of its own (JSON, a redirect to login), or an `HttpError`
   * naming the status page to render. The app logs what it did not expect.
   * Without it, an `HttpError` renders its status page and anything else a 500.
   */
  mapError?: (err: unknown, ctx: Context<unknown>) => Response | HttpError;
  /** Keeps pages whose handler returned `page(data, { cache })`. */
  pageCache?: PageCache;
  /** Initial `ctx.state` of every request (e.g. the app's services). */
  initState?: () => object;
  /** Called for errors the app did not map and for an error page that failed to render. */
  onError?: (err: unknown, ctx: Context<unknown>) => void;
}

interface Special {
  parsed: ParsedRouteFile;
  mod: RouteModule;
}

interface CompiledRoute {
  parsed: ParsedRouteFile;
  mod: RouteModule;
  pattern: string;
  middlewares: AnyMiddleware[];
  layouts: AnyComponent[];
  app?: AnyComponent;
  errorPage?: Special;
  handlers: Partial<Record<Method, AnyHandler>> | AnyHandler | undefined;
}

export interface FreshApp {
  assets: Assets;
  fetch(req: Request, info?: Deno.ServeHandlerInfo): Response | Promise<Response>;
  /** Route patterns in matching order (for tests and docs). */
  routes: string[];
}

function middlewaresOf(mod: RouteModule): AnyMiddleware[] {
  const h = mod.handler ?? mod.handlers;
  if (!h) return [];
  return (Array.isArray(h) ? h : [h]) as AnyMiddleware[];
}

function fileUrlToPath(url: string): string {
  return decodeURIComponent(new URL(url).pathname);
}

export async function createApp(manifest: Manifest, opts: AppOptions = {}): Promise<FreshApp> {
  const root = fileUrlToPath(new URL("./", manifest.baseUrl).href).replace(/\/$/, "");
  const config = resolveConfig(root, opts.config);
  const assets = await Assets.load(
    opts.buildDir ?? config.outDir,
    opts.staticDir ?? config.staticDir,
  );
  setAssets(assets);

  for (const [file, mod] of Object.entries(manifest.islands)) {
    for (const [exportName, value] of Object.entries(mod)) {
      if (typeof value !== "function") continue;
      registerIsland(value, { name: islandName(file, exportName), exportName, file });
    }
  }

  const specials: Record<SpecialKind, Special[]> = {
    app: [],
    layout: [],
    middleware: [],
    notFound: [],
    error: [],
  };
  const routes: { parsed: ParsedRouteFile; mod: RouteModule }[] = [];
  for (const [file, mod] of Object.entries(manifest.routes)) {
    const parsed = parseRouteFile(file);
    if (!parsed) continue;
    if (parsed.special) specials[parsed.special].push({ parsed, mod });
    else routes.push({ parsed, mod });
  }
  const byDepth = (a: Special, b: Special) => a.parsed.dirs.length - b.parsed.dirs.length;
  specials.layout.sort(byDepth);
  specials.middleware.sort(byDepth);
  specials.error.sort(byDepth);
  routes.sort((a, b) => compareRoutes(a.parsed, b.parsed));

  const appShell = specials.app[0]?.mod.default as AnyComponent | undefined;
  const rootMiddlewares = specials.middleware
    .filter((m) => m.parsed.dirs.length === 0)
    .flatMap((m) => middlewaresOf(m.mod));
  const notFoundPage = specials.notFound[0]?.mod.default as AnyComponent | undefined;
  const rootLayouts = specials.layout.filter((l) => l.parsed.dirs.length === 0)
    .map((l) => l.mod.default as AnyComponent);
  const rootError = specials.error.find((e) => e.parsed.dirs.length === 0);

  const compiled: CompiledRoute[] = routes.map(({ parsed, mod }) => {
    const dirs = parsed.dirs;
    const cfg = mod.config ?? {};
    const layouts = cfg.skipInheritedLayouts ? [] : specials.layout
      .filter((l) => isAncestorDir(l.parsed.dirs, dirs))
      .map((l) => l.mod.default as AnyComponent);
    const errors = specials.error.filter((e) => isAncestorDir(e.parsed.dirs, dirs));
    return {
      parsed,
      mod,
      pattern: cfg.routeOverride ?? parsed.pattern!,
      // The root middleware already ran for every request; add the nested ones.
      middlewares: specials.middleware
        .filter((m) => m.parsed.dirs.length > 0 && isAncestorDir(m.parsed.dirs, dirs))
        .flatMap((m) => middlewaresOf(m.mod)),
      layouts,
      app: cfg.skipAppWrapper ? undefined : appShell,
      errorPage: errors[errors.length - 1],
      handlers: (mod.handler ?? mod.handlers) as CompiledRoute["handlers"],
    };
  });

  const pageResponse = (
    ctx: Context<unknown>,
    page: AnyComponent,
    data: unknown,
    layouts: AnyComponent[],
    app: AnyComponent | undefined,
    init: { status?: number; headers?: HeadersInit; cache?: PageCacheHint } = {},
  ): Response => {
    const headers = init.headers;
    const status = init.status ?? 200;
    // Only successful pages are kept: an error page must not stand in for one.
    const cacheKey = init.cache && opts.pageCache && status === 200
      ? `${ctx.route}\n${init.cache.key}`
      : undefined;
    if (cacheKey) {
      const cached = opts.pageCache!.get(cacheKey);
      if (cached) return htmlResponse(withNonce(cached, nonceOf(ctx)), status, headers);
    }
    const props: PageProps<unknown, unknown> = {
      data,
      params: ctx.params,
      url: ctx.url,
      state: ctx.state,
      error: ctx.error,
    };
    if (cacheKey) {
      const template = cachedPage(
        renderHtml({ app, layouts, page, props, nonce: () => NONCE_SLOT, assets }),
      );
      opts.pageCache!.set(cacheKey, template, init.cache!.tags);
      return htmlResponse(withNonce(template, nonceOf(ctx)), status, headers);
    }
    const html = renderHtml({ app, layouts, page, props, nonce: () => nonceOf(ctx), assets });
    return htmlResponse(html, status, headers);
  };

  const renderNotFound = (ctx: Context<unknown>): Response => {
    if (!notFoundPage) return new Response("Not found", { status: 404 });
    return pageResponse(ctx, notFoundPage, undefined, rootLayouts, appShell, { status: 404 });
  };

  const renderError = (ctx: Context<unknown>, err: unknown, errorPage?: Special): Response => {
    let answer: Response | HttpError;
    if (opts.mapError) answer = opts.mapError(err, ctx);
    else {
      answer = err instanceof HttpError ? err : new HttpError(500);
      if (answer.status >= 500) opts.onError?.(err, ctx);
    }
    if (answer instanceof Response) return answer;
    const status = answer.status;
    if (status === 404) return renderNotFound(ctx);
    // The page sees what was thrown (an AppError has its own words for the user).
    ctx.error = err;
    const page = (errorPage ?? rootError)?.mod.default as AnyComponent | undefined;
    if (!page) {
      return new Response(status >= 500 ? "Internal Server Error" : `Error ${status}`, { status });
    }
    try {
      const layouts = specials.layout
        .filter((l) => isAncestorDir(l.parsed.dirs, (errorPage ?? rootError)!.parsed.dirs))
        .map((l) => l.mod.default as AnyComponent);
      return pageResponse(ctx, page, undefined, layouts, appShell, {
        status,
        headers: answer.headers,
      });
    } catch (renderErr) {
      opts.onError?.(renderErr, ctx);
      return new Response("Internal Server Error", { status: 500 });
    }
  };

  // Exact paths are a map lookup; patterns with parameters go through
  // Hono's trie router, in Fresh order (static, then params, then catch-all).
  const exact = new Map<string, CompiledRoute>();
  const router = new TrieRouter<CompiledRoute>();
  for (const route of compiled) {
    if (!route.pattern.includes(":") && !route.pattern.includes("*")) {
      if (!exact.has(route.pattern)) exact.set(route.pattern, route);
    } else router.add("ALL", route.pattern, route);
  }

  function match(path: string): { route: CompiledRoute; params: Record<string, string> } | null {
    const hit = exact.get(path);
    if (hit) return { route: hit, params: {} };
    const found = router.match("ALL", path)[0] as [CompiledRoute, Record<string, string>][];
    if (!found.length) return null;
    const [route, raw] = found[0];
    const params: Record<string, string> = {};
    for (const k in raw) params[k] = decodeParam(raw[k]);
    return { route, params };
  }

  function dispatch(ctx: RequestContext): Response | Promise<Response> {
    const path = ctx.path;
    if (path.length > 1 && path.endsWith("/")) {
      // Leading slashes collapse too: `//evil.example/` must not become `//evil.example`,
      // which a browser reads as another site.
      const location = "/" + path.replace(/^\/+/, "").replace(/\/+$/, "") + ctx.url.search;
      return new Response(null, { status: 308, headers: { location } });
    }
    const method = ctx.req.method;
    if (method === "GET" || method === "HEAD") {
      if (path.startsWith(JS_PREFIX)) {
        const res = assets.serveChunk(ctx.req, path.slice(JS_PREFIX.length));
        if (res) return res;
      } else if (assets.hasStatic(path)) {
        return assets.serveStatic(ctx.req, path).then((res) => res ?? routed(ctx));
      }
    }
    return routed(ctx);
  }

  function routed(ctx: RequestContext): Response | Promise<Response> {
    const m = match(ctx.path);
    if (!m) return renderNotFound(ctx);
    const { route } = m;
    ctx.route = route.pattern;
    ctx.params = m.params;
    let answer: Response | Promise<Response>;
    try {
      answer = route.middlewares.length
        ? runChain(route.middlewares, ctx, () => handleRoute(route, ctx))
        : handleRoute(route, ctx);
    } catch (err) {
      return renderError(ctx, err, route.errorPage);
    }
    return answer instanceof Promise
      ? answer.catch((err) => renderError(ctx, err, route.errorPage))
      : answer;
  }

  /** The route's answer: a `Response` at once when the handler returns one synchronously. */
  function handleRoute(route: CompiledRoute, ctx: Context<unknown>): Response | Promise<Response> {
    const method = ctx.req.method.toUpperCase() as Method;
    const page = route.mod.default as AnyComponent | undefined;
    let handler: AnyHandler | undefined;
    const h = route.handlers;
    if (typeof h === "function") handler = h;
    else if (h) handler = h[method] ?? (method === "HEAD" ? h.GET : undefined);
    if (!handler) {
      if (page && (method === "GET" || method === "HEAD")) {
        return pageResponse(ctx, page, undefined, route.layouts, route.app);
      }
      const allowed = typeof h === "object" && h
        ? METHODS.filter((m) => m in h || (m === "HEAD" && "GET" in h))
        : page
        ? ["GET", "HEAD"]
        : [];
      return new Response("Method Not Allowed", {
        status: 405,
        headers: { allow: allowed.join(", ") },
      });
    }
    if ((method === "GET" || method === "HEAD") && route.mod.pageCache && opts.pageCache) {
      const hint = route.mod.pageCache(ctx as Context<never>);
      const cached = hint && opts.pageCache.get(`${route.pattern}\n${hint.key}`);
      if (cached) {
        return htmlResponse(withNonce(cached, nonceOf(ctx)), 200, undefined);
      }
    }
    const result = handler(ctx);
    if (result instanceof Response) return result;
    if (result instanceof Promise) return result.then((r) => answerOf(route, ctx, r));
    return answerOf(route, ctx, result);
  }

  function answerOf(route: CompiledRoute, ctx: Context<unknown>, result: unknown): Response {
    if (result instanceof Response) return result;
    if (isPageResponse(result)) {
      const page = route.mod.default as AnyComponent | undefined;
      if (!page) {
        throw new Error(`${route.parsed.file} returned page data but has no page component`);
      }
      return pageResponse(ctx, page, result.data, route.layouts, route.app, result);
    }
    throw new Error(`${route.parsed.file}: a handler must return a Response or page(data)`);
  }

  /**
   * Answers synchronously when every step did (a cheap route such as /health
   * then skips a promise per step and Deno.serve's asynchronous path).
   */
  const fetch = (req: Request, info?: Deno.ServeHandlerInfo): Response | Promise<Response> => {
    const ctx = new RequestContext(req, info, opts.initState ? opts.initState() : {});
    let answer: Response | Promise<Response>;
    try {
      answer = runChain(rootMiddlewares, ctx, () => dispatch(ctx));
    } catch (err) {
      // Thrown by a root middleware, or by dispatch outside a route.
      answer = renderError(ctx, err);
    }
    if (answer instanceof Promise) {
      const done = answer.catch((err) => renderError(ctx, err)).then(ctx.finish);
      return req.method === "HEAD" ? done.then(withoutBody) : done;
    }
    const res = ctx.finish(answer);
    return req.method === "HEAD" ? withoutBody(res) : res;
  };

  return {
    assets,
    routes: compiled.map((r) => r.pattern),
    fetch,
  };
}

const HTML = "text/html; charset=utf-8";

/**
 * A page's Response: built with its content type alone, its other headers set
 * afterwards. Deno prepares a Response built from a string and several
 * headers for sending at once (the whole body handed to the server), and the
 * response hooks' headers (security, request id) undo that preparation: on
 * the day page it cost about 6 % of the request for nothing.
 */
function htmlResponse(body: string, status: number, init: HeadersInit | undefined): Response {
  if (init === undefined) return new Response(body, { status, headers: { "content-type": HTML } });
  const extra = new Headers(init);
  const type = extra.get("content-type") ?? HTML;
  extra.delete("content-type");
  const res = new Response(body, { status, headers: { "content-type": type } });
  for (const [name, value] of extra) res.headers.append(name, value);
  return res;
}

/** A HEAD answer: the GET response's status and headers, no body. */
async function withoutBody(res: Response): Promise<Response> {
  if (!res.body) return res;
  await res.body.cancel();
  return new Response(null, {
    status: res.status,
    statusText: res.statusText,
    headers: res.headers,
  });
}

const NONCE = Symbol("nonce");

/** Stands for the nonce in a cached page; replaced on every use. */
const NONCE_SLOT = "__frsh_nonce__";

/** A rendered page split around its nonce slot, so a cache hit only joins three strings. */
function cachedPage(html: string): CachedPage {
  // The only nonce is on the boot script at the end of the body.
  const at = html.lastIndexOf(NONCE_SLOT);
  if (at < 0) return { before: html, after: null };
  return { before: html.slice(0, at), after: html.slice(at + NONCE_SLOT.length) };
}

function withNonce(page: CachedPage, nonce: string): string {
  return page.after === null ? page.before : page.before + nonce + page.after;
}

/** The CSP nonce of this request, made on first use. */
export function nonceOf(ctx: Context<unknown>): string {
  const c = ctx as Context<unknown> & { [NONCE]?: string };
  if (!c[NONCE]) {
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    c[NONCE] = btoa(String.fromCharCode(...bytes));
  }
  return c[NONCE];
}

function decodeParam(v: string): string {
  if (!v.includes("%")) return v;
  try {
    return decodeURIComponent(v);
  } catch {
    return v;
  }
}

/** The per-request context; the URL is parsed only when someone asks for it. */
class RequestContext implements Context<unknown> {
  params: Record<string, string> = {};
  route: string | null = null;
  error?: unknown;
  readonly path: string;
  #url?: URL;

  constructor(
    readonly req: Request,
    readonly info: Deno.ServeHandlerInfo | undefined,
    public state: unknown,
  ) {
    this.path = pathOf(req.url);
  }

  get url(): URL {
    return this.#url ??= new URL(this.req.url);
  }

  get remoteAddr(): string {
    return (this.info?.remoteAddr as Deno.NetAddr | undefined)?.hostname ?? "";
  }

  next(): Response | Promise<Response> {
    throw new Error("next() is only available in a middleware");
  }

  #hooks: ((res: Response, ctx: Context<unknown>) => Response)[] | null = null;

  onResponse(hook: (res: Response, ctx: Context<unknown>) => Response): void {
    (this.#hooks ??= []).push(hook);
  }

  /** Applies the response hooks, the last registered first (an arrow: passed to `then`). */
  readonly finish = (res: Response): Response => {
    const hooks = this.#hooks;
    if (hooks) { for (let i = hooks.length - 1; i >= 0; i--) res = hooks[i](res, this); }
    return res;
  };
}

/** The path of an absolute URL without parsing all of it. */
function pathOf(url: string): string {
  const start = url.indexOf("/", url.indexOf("://") + 3);
  if (start < 0) return "/";
  let end = url.length;
  const q = url.indexOf("?", start);
  if (q >= 0) end = q;
  const h = url.indexOf("#", start);
  if (h >= 0 && h < end) end = h;
  return url.slice(start, end);
}

/**
 * Runs middlewares in order; each one's `ctx.next()` continues the chain,
 * and the last step runs `last`.
 */
function runChain(
  chain: AnyMiddleware[],
  ctx: Context<unknown>,
  last: () => Promise<Response> | Response,
): Response | Promise<Response> {
  if (chain.length === 0) return last();
  let i = 0;
  const next = (): Response | Promise<Response> => i < chain.length ? chain[i++](ctx) : last();
  ctx.next = next;
  return next();
}
