/**
 * Page caching for anonymous visitors: their pages depend only on the
 * language and the URL, so the rendered HTML is reused until the content
 * changes (the tags) or a minute passes. Signed-in users always get a fresh
 * render, since their pages carry their own state. A page with a POST form
 * carries a CSRF token bound to the visitor and must not use this.
 */
import type { Context, PageCacheHint } from "@/framework/mod.ts";
import type { State } from "@/define.ts";

export function anonymousPage(ctx: Context<State>, tags: string[]): PageCacheHint | undefined {
  if (ctx.state.user) return undefined;
  return { key: `${ctx.state.locale}|${ctx.path}${ctx.url.search}`, tags };
}
