/**
 * The served OpenAPI document and its docs page: a valid 3.1 shape (every
 * operation answers something, every path parameter is declared, ids are
 * unique), public and readable from any origin, built once; the docs page
 * lists every documented path, in both languages, without external assets.
 */
import { assert, assertEquals, assertStringIncludes } from "../helpers/assert.ts";
import { openTestApp } from "../helpers/app.ts";
import { assertMatchesDocument } from "../helpers/openapi.ts";

type Json = Record<string, unknown>;
type Op = {
  operationId: string;
  summary: string;
  responses: Record<string, unknown>;
  parameters: { name: string; in: string; required: boolean }[];
  security?: unknown[];
};

Deno.test("openapi.json: a 3.1 document of every documented route, public, CORS *, built once", async () => {
  await using t = await openTestApp();
  const res = await t.fetch("/api/v1/openapi.json", {
    headers: { origin: "https://elsewhere.example" },
  });
  assertEquals(res.status, 200);
  assertEquals(res.headers.get("access-control-allow-origin"), "*");
  const doc = await res.clone().json() as Json;
  await assertMatchesDocument(doc, "GET", "/api/v1/openapi.json", res);
  assertEquals(doc.openapi, "3.1.0");
  assert((doc.info as Json).title);
  assert(Array.isArray(doc.servers) && doc.servers.length === 1);
  const schemes = (doc.components as Json).securitySchemes as Json;
  assert(schemes.bearer && schemes.cookie);

  const paths = doc.paths as Record<string, Record<string, Op>>;
  for (
    const p of [
      "/api/v1/auth/token",
      "/api/v1/auth/refresh",
      "/api/v1/auth/register",
      "/api/v1/auth/logout",
      "/api/v1/auth/password-reset",
      "/api/v1/auth/login",
      "/api/v1/auth/session",
      "/api/v1/openapi.json",
    ]
  ) assert(paths[p], `${p} is documented`);

  const ids = new Set<string>();
  for (const [path, methods] of Object.entries(paths)) {
    assert(path.startsWith("/api/v1/"), path);
    const declared = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]).sort();
    for (const [method, op] of Object.entries(methods)) {
      const where = `${method.toUpperCase()} ${path}`;
      assert(["get", "post", "put", "patch", "delete"].includes(method), where);
      assert(op.summary, `${where}: summary`);
      assert(Object.keys(op.responses).length > 0, `${where}: responses`);
      for (const status of Object.keys(op.responses)) {
        assert(/^[1-5]\d\d$/.test(status), `${where}: status ${status}`);
      }
      const pathParams = op.parameters.filter((p) => p.in === "path");
      assertEquals(pathParams.map((p) => p.name).sort(), declared, `${where}: path parameters`);
      assert(pathParams.every((p) => p.required), `${where}: path parameters are required`);
      assert(!ids.has(op.operationId), `${where}: operationId ${op.operationId} is unique`);
      ids.add(op.operationId);
    }
  }
  // Public sign-in endpoints need no credentials; logout takes either.
  assertEquals(paths["/api/v1/auth/token"].post.security, []);

  // Built once: the second answer is the same document.
  const again = await (await t.fetch("/api/v1/openapi.json")).json();
  assertEquals(again, doc);
});

Deno.test("api docs page: lists every documented path, readable field lists, no external assets", async () => {
  await using t = await openTestApp();
  const doc = await (await t.fetch("/api/v1/openapi.json")).json() as Json;
  const paths = doc.paths as Record<string, Record<string, Op>>;
  const res = await t.fetch("/api/docs", { headers: { "accept-language": "ru" } });
  assertEquals(res.status, 200);
  assertStringIncludes(res.headers.get("content-type") ?? "", "text/html");
  const html = await res.text();
  assertStringIncludes(html, "Документация API");
  for (const [path, methods] of Object.entries(paths)) {
    assertStringIncludes(html, `<code class="api-op__path">${path}</code>`, path);
    for (const op of Object.values(methods)) assertStringIncludes(html, `id="${op.operationId}"`);
  }
  // The token endpoint's body and answer show their fields.
  for (const field of ["login", "password", "accessToken", "refreshToken", "expiresIn"]) {
    assertStringIncludes(html, `<code class="api-fields__name">${field}</code>`, field);
  }
  assertStringIncludes(html, 'href="/api/v1/openapi.json"');
  // Server-rendered: no script of its own, nothing from another host.
  assert(!/<script[^>]+src=["']https?:/i.test(html), "no external script");
  assert(!/<link[^>]+href=["']https?:/i.test(html), "no external stylesheet");

  const en = await (await t.fetch("/api/docs", { headers: { "accept-language": "en" } })).text();
  assertStringIncludes(en, "API documentation");
  assertStringIncludes(en, "required");
});
