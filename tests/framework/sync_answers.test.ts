/**
 * A chain whose every step answers synchronously gives its `Response` at
 * once (cheap routes such as /health skip a promise per step and Deno.serve's
 * asynchronous path), and still behaves like the asynchronous one: hooks,
 * HEAD, errors thrown synchronously, and async steps mixed in.
 */
import { assert, assertEquals } from "../helpers/assert.ts";
import { type Context, createApp, HttpError, page } from "@/framework/mod.ts";
import { h } from "preact";
import type { Manifest } from "@/framework/types.ts";

type S = { trail: string[] };

const root = await Deno.makeTempDir({ prefix: "fresh-sync-" });
const staticDir = await Deno.makeTempDir({ prefix: "fresh-sync-static-" });
// An empty client bundle: these routes render no page.
await Deno.writeTextFile(
  `${root}/meta.json`,
  JSON.stringify({ version: 1, runtime: "", islands: {}, deps: {}, static: {}, sizes: {} }),
);

const manifest: Manifest = {
  baseUrl: `file://${root}/fresh.gen.ts`,
  islands: {},
  routes: {
    "./routes/_middleware.ts": {
      handler: (ctx: Context<S>) => {
        ctx.state.trail = ["root"];
        if (ctx.req.headers.get("x-throw") === "root") throw new HttpError(418);
        ctx.onResponse((res) => {
          res.headers.set("x-trail", ctx.state.trail.join(">"));
          return res;
        });
        return ctx.next();
      },
    },
    "./routes/slow/_middleware.ts": {
      handler: async (ctx: Context<S>) => {
        await new Promise((r) => setTimeout(r, 1));
        ctx.state.trail.push("slow");
        return ctx.next();
      },
    },
    "./routes/fast.ts": {
      handler: {
        GET: (ctx: Context<S>) => {
          if (ctx.req.headers.get("x-throw") === "handler") throw new Error("sync failure");
          return new Response("fast " + ctx.state.trail.join(">"));
        },
      },
    },
    "./routes/later.ts": {
      handler: { GET: () => Promise.resolve(new Response("later")) },
    },
    "./routes/page.tsx": {
      default: () => h("p", null, "a page"),
      handler: {
        GET: (ctx: Context<S>) =>
          page({}, {
            status: ctx.req.headers.get("x-status") ? 404 : 200,
            headers: [
              ["set-cookie", "a=1"],
              ["set-cookie", "b=2"],
              ["cache-control", "private, no-store"],
            ],
          }),
      },
    },
    "./routes/feed.tsx": {
      default: () => h("p", null, "feed"),
      handler: {
        GET: () => page({}, { headers: { "content-type": "application/xhtml+xml" } }),
      },
    },
    "./routes/slow/fast.ts": {
      handler: { GET: (ctx: Context<S>) => new Response("slow " + ctx.state.trail.join(">")) },
    },
  } as unknown as Manifest["routes"],
};

const app = await createApp(manifest, {
  buildDir: root,
  staticDir,
  initState: () => ({ trail: [] }),
});
const req = (path: string, init?: RequestInit) => new Request(`http://x${path}`, init);

Deno.test("a route whose middlewares and handler are synchronous answers with a Response, not a promise, hooks applied", async () => {
  const res = app.fetch(req("/fast"));
  assert(res instanceof Response, "answered synchronously");
  assertEquals(await res.text(), "fast root");
  assertEquals(res.headers.get("x-trail"), "root");
});

Deno.test("an asynchronous handler or middleware anywhere makes the answer a promise with the same hooks", async () => {
  const later = app.fetch(req("/later"));
  assert(later instanceof Promise);
  assertEquals((await later).headers.get("x-trail"), "root");
  const slow = await app.fetch(req("/slow/fast"));
  assertEquals(await slow.text(), "slow root>slow");
  assertEquals(slow.headers.get("x-trail"), "root>slow");
});

Deno.test("errors thrown synchronously by a handler or a root middleware become error answers, not exceptions", async () => {
  const failed = await app.fetch(req("/fast", { headers: { "x-throw": "handler" } }));
  assertEquals(failed.status, 500);
  await failed.body?.cancel();
  const teapot = await app.fetch(req("/fast", { headers: { "x-throw": "root" } }));
  assertEquals(teapot.status, 418);
  await teapot.body?.cancel();
});

Deno.test("a page keeps every header its handler gave (two cookies included) and the hooks' ones, at any status", async () => {
  for (const status of [200, 404]) {
    const init = status === 404 ? { headers: { "x-status": "404" } } : undefined;
    const res = await app.fetch(req("/page", init));
    assertEquals(res.status, status);
    assertEquals(res.headers.get("content-type"), "text/html; charset=utf-8");
    assertEquals(res.headers.getSetCookie(), ["a=1", "b=2"]);
    assertEquals(res.headers.get("cache-control"), "private, no-store");
    assertEquals(res.headers.get("x-trail"), "root");
    assert((await res.text()).includes("<p>a page</p>"));
  }
  const feed = await app.fetch(req("/feed"));
  assertEquals(feed.headers.get("content-type"), "application/xhtml+xml");
  await feed.body?.cancel();
});

Deno.test("HEAD on a synchronous route has GET's status and headers and no body", async () => {
  const res = await app.fetch(req("/fast", { method: "HEAD" }));
  assertEquals(res.status, 200);
  assertEquals(res.headers.get("x-trail"), "root");
  assertEquals(await res.text(), "");
});

globalThis.addEventListener("unload", () => {
  Deno.removeSync(root, { recursive: true });
  Deno.removeSync(staticDir, { recursive: true });
});
