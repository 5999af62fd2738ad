/**
 * The OpenAPI 3.1 document of `/api/v1`, built from the `openapi` exports of
 * the route modules in the manifest (http/api_doc.ts). OpenAPI 3.1 uses JSON
 * Schema 2020-12, which is what zod's own `z.toJSONSchema` writes, so the
 * schemas go in unchanged: request bodies as the input side of a schema
 * (what a client may send), responses as its output side.
 */
import { z } from "zod";
import type { Manifest } from "@/framework/types.ts";
import { parseRouteFile } from "@/framework/router.ts";
import type { ApiDoc, ApiMethod, ApiOperation } from "./api_doc.ts";

/** The error body every `/api/v1` failure answers with (http/errors.ts). */
export const apiErrorSchema = z.object({
  error: z.string().describe("A stable code, e.g. `validation`, `not_found`, `csrf`"),
  message: z.string().describe("A sentence in the caller's language"),
  fields: z.record(z.string(), z.string()).optional()
    .describe("Field name → message, for invalid input"),
}).passthrough();

const METHODS: ApiMethod[] = ["GET", "POST", "PUT", "PATCH", "DELETE"];

type JsonSchema = Record<string, unknown>;

function jsonSchema(schema: z.ZodType, io: "input" | "output"): JsonSchema {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, {
    io,
    unrepresentable: "any",
  }) as JsonSchema;
  return rest;
}

/** `/api/v1/pets/:id` → `/api/v1/pets/{id}` (catch-all `:rest{.+}` → `{rest}`). */
export function openApiPath(pattern: string): string {
  return pattern.replace(/:([A-Za-z0-9_]+)(\{[^}]*\}|\?)?/g, "{$1}");
}

export interface DocumentedRoute {
  file: string;
  path: string;
  doc: ApiDoc;
}

/** Every route module under /api/v1 with an `openapi` export. */
export function documentedRoutes(manifest: Manifest): DocumentedRoute[] {
  const out: DocumentedRoute[] = [];
  for (const [file, mod] of Object.entries(manifest.routes)) {
    const doc = (mod as { openapi?: ApiDoc }).openapi;
    if (!doc) continue;
    const parsed = parseRouteFile(file);
    if (!parsed?.pattern?.startsWith("/api/v1/")) continue;
    out.push({ file, path: openApiPath(parsed.pattern), doc });
  }
  return out.sort((a, b) => a.path.localeCompare(b.path));
}

function parameters(op: ApiOperation): JsonSchema[] {
  const list: JsonSchema[] = [];
  for (const [where, obj] of [["path", op.params], ["query", op.query]] as const) {
    if (!obj) continue;
    const shape = jsonSchema(obj, "input") as {
      properties?: Record<string, JsonSchema>;
      required?: string[];
    };
    for (const [name, schema] of Object.entries(shape.properties ?? {})) {
      list.push({
        name,
        in: where,
        required: where === "path" || (shape.required ?? []).includes(name),
        schema,
        ...(typeof schema.description === "string" ? { description: schema.description } : {}),
      });
    }
  }
  return list;
}

const BODY_TYPES = {
  json: "application/json",
  multipart: "multipart/form-data",
  binary: "application/octet-stream",
} as const;

function operation(op: ApiOperation, id: string): JsonSchema {
  const responses: Record<string, JsonSchema> = {};
  for (const [status, r] of Object.entries(op.responses)) {
    responses[status] = {
      description: r.description,
      ...(r.schema || r.contentType
        ? {
          content: {
            [r.contentType ?? "application/json"]: r.schema
              ? { schema: jsonSchema(r.schema, "output") }
              : {},
          },
        }
        : {}),
    };
  }
  return {
    operationId: id,
    summary: op.summary,
    ...(op.description ? { description: op.description } : {}),
    ...(op.tags ? { tags: op.tags } : {}),
    ...(op.auth === "none" || op.auth === "optional"
      ? { security: op.auth === "optional" ? [{}, { bearer: [] }, { cookie: [] }] : [] }
      : { security: [{ bearer: [] }, { cookie: [] }] }),
    "x-gafus-auth": op.auth,
    parameters: parameters(op),
    ...(op.body
      ? {
        requestBody: {
          required: true,
          content: {
            [BODY_TYPES[op.bodyType ?? "json"]]: { schema: jsonSchema(op.body, "input") },
          },
        },
      }
      : {}),
    responses,
  };
}

export interface OpenApiInfo {
  title: string;
  version: string;
  description?: string;
  serverUrl: string;
}

/** The whole document. */
export function buildOpenApi(manifest: Manifest, info: OpenApiInfo): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const r of documentedRoutes(manifest)) {
    for (const m of METHODS) {
      const op = r.doc[m];
      if (!op) continue;
      const id = `${m.toLowerCase()}${
        r.path.replace(/^\/api\/v1/, "").replace(/[{}]/g, "").replace(/[^A-Za-z0-9]+(.)?/g, (
          _,
          c: string | undefined,
        ) => c ? c.toUpperCase() : "")
      }`;
      (paths[r.path] ??= {})[m.toLowerCase()] = operation(op, id);
    }
  }
  return {
    openapi: "3.1.0",
    info: {
      title: info.title,
      version: info.version,
      ...(info.description ? { description: info.description } : {}),
    },
    servers: [{ url: info.serverUrl }],
    components: {
      securitySchemes: {
        bearer: { type: "http", scheme: "bearer", bearerFormat: "JWT" },
        cookie: { type: "apiKey", in: "cookie", name: "gafus_session" },
      },
      schemas: { Error: jsonSchema(apiErrorSchema, "output") },
    },
    paths,
  };
}
