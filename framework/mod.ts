/** The Fresh-style layer: what routes, islands and the app import. */
export { createApp, type FreshApp, nonceOf } from "./app.ts";
export { defineConfig, type FreshConfig } from "./config.ts";
export { createDefine, HttpError, page } from "./page.ts";
export { asset, Head, pageHasIslands, shell } from "./render.ts";
export type {
  CachedPage,
  Context,
  LayoutProps,
  Manifest,
  Method,
  Middleware,
  PageCache,
  PageCacheHint,
  PageProps,
  RouteConfig,
} from "./types.ts";
