/**
 * The OpenAPI builder: routes that export `openapi` become paths with their
 * parameters, bodies and responses as JSON Schema, and the contract helper
 * accepts a matching response and refuses a drifting one.
 */
import { z } from "zod";
import { assertEquals, assertRejects } from "../helpers/assert.ts";
import { buildOpenApi, openApiPath } from "@/http/openapi.ts";
import type { ApiDoc } from "@/http/api_doc.ts";
import { assertMatchesDocument } from "../helpers/openapi.ts";
import type { Manifest } from "@/framework/types.ts";

const petDoc: ApiDoc = {
  GET: {
    summary: "One pet",
    auth: "user",
    params: z.object({ id: z.string() }),
    responses: {
      200: { description: "The pet", schema: z.object({ pet: z.object({ name: z.string() }) }) },
      404: { description: "Not yours or gone" },
    },
  },
  PUT: {
    summary: "Rename",
    auth: "user",
    params: z.object({ id: z.string() }),
    body: z.object({ name: z.string().min(1) }),
    responses: { 204: { description: "Renamed" } },
  },
};

const manifest = {
  routes: {
    "./routes/api/v1/pets/[id]/index.ts": { handler: {}, openapi: petDoc },
    "./routes/api/v1/pets/(_lib)/x.ts": { openapi: petDoc },
    "./routes/courses/index.tsx": { openapi: petDoc },
  },
  islands: {},
  baseUrl: import.meta.url,
} as unknown as Manifest;

Deno.test("openapi: documented /api/v1 routes become 3.1 paths with parameters and bodies", () => {
  assertEquals(
    openApiPath("/api/v1/videos/:id/hls/:rendition/:file"),
    "/api/v1/videos/{id}/hls/{rendition}/{file}",
  );
  const doc = buildOpenApi(manifest, { title: "t", version: "1", serverUrl: "http://x" });
  assertEquals(doc.openapi, "3.1.0");
  const paths = doc.paths as Record<string, Record<string, Record<string, unknown>>>;
  assertEquals(Object.keys(paths), ["/api/v1/pets/{id}"]);
  const get = paths["/api/v1/pets/{id}"].get;
  assertEquals((get.parameters as { name: string; in: string }[]).map((p) => [p.name, p.in]), [[
    "id",
    "path",
  ]]);
  assertEquals(Object.keys(get.responses as object), ["200", "404"]);
  const put = paths["/api/v1/pets/{id}"].put as {
    requestBody: { content: Record<string, unknown> };
  };
  assertEquals(Object.keys(put.requestBody.content), ["application/json"]);
});

Deno.test("openapi: the contract helper accepts what is documented and refuses drift", async () => {
  const doc = buildOpenApi(manifest, { title: "t", version: "1", serverUrl: "http://x" });
  await assertMatchesDocument(
    doc,
    "GET",
    "/api/v1/pets/p1",
    Response.json({ pet: { name: "Rex" } }),
  );
  await assertRejects(() =>
    assertMatchesDocument(doc, "GET", "/api/v1/pets/p1", Response.json({ pet: { name: 5 } }))
  );
  await assertRejects(() =>
    assertMatchesDocument(doc, "GET", "/api/v1/pets/p1", Response.json({}, { status: 500 }))
  );
  await assertRejects(() =>
    assertMatchesDocument(doc, "DELETE", "/api/v1/pets/p1", new Response(null, { status: 204 }))
  );
  await assertMatchesDocument(doc, "PUT", "/api/v1/pets/p1", new Response(null, { status: 204 }));
});
