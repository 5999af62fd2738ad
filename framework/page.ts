import type {
  HandlerByMethod,
  HandlerFn,
  LayoutProps,
  Middleware,
  PageCacheHint,
  PageProps,
  PageResponse,
  RouteHandler,
} from "./types.ts";
import type { JSX, VNode } from "preact";

/** Page data from a handler: `return page({ courses })`. */
export function page<Data>(
  data: Data,
  init?: { status?: number; headers?: HeadersInit; cache?: PageCacheHint },
): PageResponse<Data> {
  return { __page: true, data, status: init?.status, headers: init?.headers, cache: init?.cache };
}

export function isPageResponse(v: unknown): v is PageResponse<unknown> {
  return typeof v === "object" && v !== null && (v as { __page?: unknown }).__page === true;
}

/**
 * Thrown from a handler or middleware to answer with an error page: 404
 * renders `_404`, anything else the nearest `_500`/`_error`.
 */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message?: string,
    /** Headers the status page carries (e.g. `Retry-After` of a 429). */
    readonly headers?: HeadersInit,
  ) {
    super(message ?? `HTTP ${status}`);
    this.name = "HttpError";
  }
}

type DataOf<H> = H extends HandlerFn<infer D, infer _S> ? D
  : H extends HandlerByMethod<infer D, infer _S> ? D
  : undefined;

type Renderable = VNode | JSX.Element | null;

/**
 * Typed helpers, as Fresh 2's `createDefine<State>()`: they return what they
 * are given and exist only so TypeScript infers page data and state.
 */
export function createDefine<State>() {
  return {
    handlers<Data = undefined>(h: RouteHandler<Data, State>): RouteHandler<Data, State> {
      return h;
    },
    page<H = undefined>(
      fn: (props: PageProps<DataOf<H>, State>) => Renderable,
    ): (props: PageProps<DataOf<H>, State>) => Renderable {
      return fn;
    },
    layout(
      fn: (props: LayoutProps<State>) => Renderable,
    ): (props: LayoutProps<State>) => Renderable {
      return fn;
    },
    middleware(
      fn: Middleware<State> | Middleware<State>[],
    ): Middleware<State> | Middleware<State>[] {
      return fn;
    },
  };
}
