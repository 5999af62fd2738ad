/**
 * How an `/api/v1` route documents itself: next to its `handler`, a route
 * module exports `openapi: ApiDoc` — per method, the zod schemas of what it
 * takes and what it answers. `http/openapi.ts` turns every such export into
 * the OpenAPI 3.1 document served at `/api/v1/openapi.json`, so the contract
 * is written once, beside the code, in the same schemas the code uses
 * (import them from core/ where core/ validates with them).
 *
 * ```ts
 * export const openapi: ApiDoc = {
 *   GET: {
 *     summary: "The signed-in user's pets",
 *     tags: ["pets"],
 *     auth: "user",
 *     responses: { 200: { description: "The pets", schema: z.object({ pets: z.array(petSchema) }) } },
 *   },
 * };
 * ```
 */
import type { z } from "zod";

export type ApiMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

/**
 * Who may call it: anyone, anyone (answers differ when signed in), a
 * signed-in user (cookie + CSRF, or a bearer token), a trainer, staff.
 */
export type ApiAuth = "none" | "optional" | "user" | "trainer" | "staff";

export interface ApiResponseDoc {
  description: string;
  /** The JSON body; omitted for an empty body (204) or a non-JSON answer. */
  schema?: z.ZodType;
  /** Content type when not JSON (e.g. "application/vnd.apple.mpegurl", "image/webp"). */
  contentType?: string;
}

export interface ApiOperation {
  summary: string;
  description?: string;
  tags?: string[];
  auth: ApiAuth;
  /** Path parameters (names as in the file path: `[slug]` → `slug`). */
  params?: z.ZodObject;
  query?: z.ZodObject;
  /** The request body. */
  body?: z.ZodType;
  /** Default "json"; "multipart" for uploads (describe the fields in `body`), "binary" for raw bytes. */
  bodyType?: "json" | "multipart" | "binary";
  /** Every status the route answers, errors included (the shared error body: `apiErrorSchema`). */
  responses: Record<number, ApiResponseDoc>;
}

export type ApiDoc = Partial<Record<ApiMethod, ApiOperation>>;
