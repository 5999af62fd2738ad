/**
 * `/media/<key>`: a stored file, streamed to whoever may see it
 * (core/media_access.ts). Missing and forbidden look the same — 404 — so a
 * key does not reveal that a private file exists.
 */
import { define, type State } from "@/define.ts";
import type { Context } from "@/framework/mod.ts";
import { canReadMedia } from "@/core/media_access.ts";
import { serveObject } from "@/core/storage/serve.ts";

const notFound = () =>
  new Response("Not found", {
    status: 404,
    headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" },
  });

async function serve(ctx: Context<State>): Promise<Response> {
  const key = ctx.params.key;
  const s = ctx.state.services;
  if (!(await canReadMedia(s, ctx.state.user, key))) return notFound();
  return (await serveObject(s.storage, key, ctx.req)) ?? notFound();
}

export const handler = define.handlers({ GET: serve, HEAD: serve });
