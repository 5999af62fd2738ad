/**
 * Types of the Fresh-style layer: what a route, layout, middleware, island
 * manifest and page receive and return.
 */
import type { ComponentType, JSX, VNode } from "preact";

export type Method = "GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE" | "OPTIONS";
export const METHODS: readonly Method[] = [
  "GET",
  "HEAD",
  "POST",
  "PUT",
  "PATCH",
  "DELETE",
  "OPTIONS",
];

/** The one context every handler and middleware gets. */
export interface Context<State = Record<string, unknown>> {
  readonly req: Request;
  readonly url: URL;
  /** The URL's path (cheaper than `url.pathname`: no full parse). */
  readonly path: string;
  readonly params: Record<string, string>;
  /** Per-request state filled by middlewares (session, locale, nonce…). */
  state: State;
  /** The route pattern that matched, e.g. `/courses/:slug` (`null` for static files and 404). */
  route: string | null;
  /** Address of the peer, as Deno.serve reports it. */
  readonly remoteAddr: string;
  /**
   * In a middleware: runs the rest of the chain and returns its response,
   * synchronously when every step after this one answered synchronously
   * (`await` it, or return it as it is).
   */
  next(): Response | Promise<Response>;
  /**
   * Registers a change to the final response (headers, a log line): hooks run
   * once the answer is known, error pages included, the last registered
   * first. A middleware that only touches the response this way returns
   * `ctx.next()` as it is, without a promise hop of its own.
   */
  onResponse(hook: (res: Response, ctx: Context<State>) => Response): void;
  /** For error pages: what was thrown. */
  error?: unknown;
}

/** Page data returned by a handler, with an optional status and headers. */
export interface PageResponse<Data> {
  readonly __page: true;
  readonly data: Data;
  readonly status?: number;
  readonly headers?: HeadersInit;
  readonly cache?: PageCacheHint;
}

/**
 * Lets the framework reuse this page's HTML for the next request with the
 * same key (only the CSP nonce is put in anew). The key must cover all the
 * page depends on: locale, query, and that the visitor is anonymous.
 */
export interface PageCacheHint {
  key: string;
  /** Invalidation tags, passed to the app's page cache. */
  tags: string[];
}

/** A rendered page, split where this request's CSP nonce goes. */
export interface CachedPage {
  before: string;
  /** Null when the page has no script (no nonce to put in). */
  after: string | null;
}

/** Where rendered pages are kept (the app decides: memory, TTL, invalidation). */
export interface PageCache {
  get(key: string): CachedPage | undefined;
  set(key: string, page: CachedPage, tags: string[]): void;
}

export type HandlerResult<Data> = Response | PageResponse<Data>;

export type HandlerFn<Data, State> = (
  ctx: Context<State>,
) => HandlerResult<Data> | Promise<HandlerResult<Data>>;

export type HandlerByMethod<Data, State> = { [M in Method]?: HandlerFn<Data, State> };

export type RouteHandler<Data, State> = HandlerFn<Data, State> | HandlerByMethod<Data, State>;

export interface PageProps<Data = unknown, State = unknown> {
  data: Data;
  params: Record<string, string>;
  url: URL;
  state: State;
  /** Set on `_500`/`_error` pages. */
  error?: unknown;
}

export interface LayoutProps<State = unknown> extends PageProps<unknown, State> {
  /** The inner content (the next layout or the page). */
  Component: ComponentType<Record<string, never>>;
}

export type Middleware<State> = (ctx: Context<State>) => Response | Promise<Response>;

export interface RouteConfig {
  skipAppWrapper?: boolean;
  skipInheritedLayouts?: boolean;
  /** A Hono path pattern used instead of the one derived from the file name. */
  routeOverride?: string;
}

type AnyComponent = (props: never) => VNode | JSX.Element | null;

/** What a file in `routes/` may export. */
export interface RouteModule {
  default?: AnyComponent;
  handler?: unknown;
  handlers?: unknown;
  config?: RouteConfig;
  /**
   * For GET: the page-cache entry this request may be answered from before
   * the handler runs (same key as the handler's `page(data, { cache })`).
   * Only what a handler stored is ever found, so a handler that decides not
   * to cache (e.g. a private course) simply never stores.
   */
  pageCache?: (ctx: Context<never>) => PageCacheHint | undefined;
}

export interface IslandModule {
  [exportName: string]: unknown;
}

/** The generated `fresh.gen.ts`. */
export interface Manifest {
  routes: Record<string, RouteModule>;
  islands: Record<string, IslandModule>;
  baseUrl: string;
}
