import {
  assert,
  assertEquals,
  assertMatch,
  assertRejects,
  assertStringIncludes,
} from "../helpers/assert.ts";
import { build, checkManifest } from "@/framework/build.ts";
import { createApp, type FreshApp } from "@/framework/mod.ts";
import type { Manifest } from "@/framework/types.ts";

const root = new URL("./fixture", import.meta.url).pathname;

async function fixtureApp(): Promise<FreshApp> {
  const outDir = await Deno.makeTempDir({ prefix: "fresh-fixture-" });
  await build({ root, outDir, minify: false });
  const manifest = (await import(`${root}/fresh.gen.ts?${Date.now()}`)).default as Manifest;
  return await createApp(manifest, { buildDir: outDir, staticDir: `${root}/static` });
}

const app = await fixtureApp();
const get = (path: string, init?: RequestInit) => app.fetch(new Request(`http://x${path}`, init));

Deno.test("index route maps to / and Head adds the title", async () => {
  const res = await get("/");
  assertEquals(res.status, 200);
  const html = await res.text();
  assert(html.startsWith("<!DOCTYPE html><html"));
  assertStringIncludes(html, "<title>Home</title></head>");
  assertStringIncludes(html, '<div class="root-layout"><main><h1>Home</h1></main></div>');
});

Deno.test("a page without islands has no script at all", async () => {
  const html = await (await get("/docs/new")).text();
  assert(!html.includes("<script"), html);
  assert(!html.includes("modulepreload"));
});

Deno.test("static segment wins over [param], [param] over [...rest]", async () => {
  assertStringIncludes(await (await get("/docs/new")).text(), "static new");
  assertStringIncludes(await (await get("/docs/abc")).text(), 'class="slug"');
  assertStringIncludes(await (await get("/docs/a/b/c")).text(), "rest=a/b/c");
  assertStringIncludes(await (await get("/docs")).text(), "docs index");
});

Deno.test("params are decoded and handler data reaches the page", async () => {
  const html = await (await get("/docs/%D0%BF%D1%80%D0%B8%D0%B2%D0%B5%D1%82")).text();
  assertStringIncludes(html, "slug=привет");
});

Deno.test("middlewares run root first, nested per folder, and see the response", async () => {
  const res = await get("/docs/abc");
  assertStringIncludes(await res.text(), "trail=root>docs");
  assertEquals(res.headers.get("x-trail"), "root>docs");
});

Deno.test("(group) folders scope middleware and layouts but not the URL", async () => {
  const res = await get("/items/7");
  const html = await res.text();
  assertEquals(res.headers.get("x-trail"), "root>shop");
  assertStringIncludes(html, '<div class="root-layout"><div class="shop-layout">');
  // The group's middleware does not run for routes outside the group.
  assertEquals((await get("/docs/x")).headers.get("x-trail"), "root>docs");
});

Deno.test("nested layouts wrap outer to inner; skipInheritedLayouts opts out", async () => {
  const html = await (await get("/docs/abc")).text();
  assertMatch(html, /<div class="root-layout"><section class="docs-layout"><p class="slug">/);
  const plain = await (await get("/plain")).text();
  assertStringIncludes(plain, '<body><p class="plain">');
});

Deno.test("handler object: POST handled, unknown method 405 with Allow, HEAD falls back to GET", async () => {
  const post = await get("/docs/abc", { method: "POST" });
  assertEquals(post.status, 201);
  assertEquals(await post.text(), "posted abc");
  const del = await get("/docs/abc", { method: "DELETE" });
  assertEquals(del.status, 405);
  assertEquals(del.headers.get("allow"), "GET, HEAD, POST");
  await del.body?.cancel();
  const head = await get("/docs/abc", { method: "HEAD" });
  assertEquals(head.status, 200);
});

Deno.test("API route returns JSON", async () => {
  const res = await get("/api/echo?q=1");
  assertEquals(await res.json(), { q: "1" });
});

Deno.test("_404 renders for unknown paths and for HttpError(404), inside _app and root middleware", async () => {
  const res = await get("/nope");
  assertEquals(res.status, 404);
  assertEquals(res.headers.get("x-trail"), "root");
  assertStringIncludes(await res.text(), "Nothing at /nope");
  const thrown = await get("/docs/missing");
  assertEquals(thrown.status, 404);
  assertStringIncludes(await thrown.text(), "Nothing at /docs/missing");
});

Deno.test("trailing slash redirects to the canonical path", async () => {
  const res = await get("/docs/abc/?x=1");
  assertEquals(res.status, 308);
  assertEquals(res.headers.get("location"), "/docs/abc?x=1");
});

Deno.test("_500 renders for a thrown error; the nearest _500 wins", async () => {
  const root500 = await get("/boom");
  assertEquals(root500.status, 500);
  assertStringIncludes(await root500.text(), "Root error: kaboom");
  const docs500 = await get("/docs/broken");
  assertEquals(docs500.status, 500);
  assertStringIncludes(await docs500.text(), "Docs error");
});

Deno.test("static files are served with an ETag and revalidate", async () => {
  const res = await get("/site.css");
  assertEquals(res.status, 200);
  assertEquals(res.headers.get("content-type"), "text/css; charset=utf-8");
  const etag = res.headers.get("etag")!;
  assertMatch(await res.text(), /color:\s*red/);
  const again = await get("/site.css", { headers: { "if-none-match": etag } });
  assertEquals(again.status, 304);
});

Deno.test("a stale manifest is detected", async () => {
  assertEquals(await checkManifest({ root }), null);
  const extra = `${root}/routes/docs/extra.tsx`;
  await Deno.writeTextFile(extra, "export default () => <p>x</p>;\n");
  try {
    const problem = await checkManifest({ root });
    assertMatch(problem ?? "", /stale/);
  } finally {
    await Deno.remove(extra);
  }
  assertEquals(await checkManifest({ root }), null);
});

Deno.test("route syntax errors are named", async () => {
  const { parseRouteFile } = await import("@/framework/router.ts");
  await assertRejects(
    () => Promise.resolve().then(() => parseRouteFile("./routes/[a][b].tsx")),
    Error,
    "next to each other",
  );
  await assertRejects(
    () => Promise.resolve().then(() => parseRouteFile("./routes/x/_app.tsx")),
    Error,
    "global",
  );
  assertEquals(parseRouteFile("./routes/a/[[opt]].tsx")?.pattern, "/a/:opt?");
  assertEquals(parseRouteFile("./routes/(g)/index.tsx")?.pattern, "/");
  assertEquals(parseRouteFile("./routes/(_private)/x.tsx"), null);
  assertEquals(parseRouteFile("./routes/x_test.ts"), null);
});
