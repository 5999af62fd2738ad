/**
 * Checks a real response against the OpenAPI document (`/api/v1/openapi.json`):
 * finds the operation by method and concrete path, requires the status to be
 * documented, and validates a JSON body against the documented schema (JSON
 * Schema 2020-12, as OpenAPI 3.1 has it) with @cfworker/json-schema.
 */
import { Validator } from "@cfworker/json-schema";
import { assert } from "./assert.ts";

type Json = Record<string, unknown>;

export interface ContractCheck {
  method: string;
  path: string;
  status: number;
}

function templateMatches(template: string, path: string): boolean {
  const re = new RegExp(
    "^" + template.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\\?\{[^}]+\\?\}/g, "[^/]+") +
      "$",
  );
  return re.test(path);
}

/** The documented operation for a method and a concrete path (`/api/v1/pets/abc`). */
export function findOperation(doc: Json, method: string, path: string): Json | null {
  const paths = doc.paths as Record<string, Record<string, Json>>;
  // Literal paths first (`/courses/mine` before `/courses/{slug}`).
  const templates = Object.keys(paths).sort((a, b) =>
    (a.match(/\{/g)?.length ?? 0) - (b.match(/\{/g)?.length ?? 0)
  );
  for (const t of templates) {
    if (templateMatches(t, path)) return paths[t][method.toLowerCase()] ?? null;
  }
  return null;
}

/**
 * Asserts that `res` is what the document promises for `method path`.
 * Reads the body (pass a clone if the test still needs it); returns it parsed when JSON.
 */
export async function assertMatchesDocument(
  doc: Json,
  method: string,
  path: string,
  res: Response,
): Promise<unknown> {
  const pathOnly = new URL(path, "http://x").pathname;
  const op = findOperation(doc, method, pathOnly);
  assert(op, `${method} ${pathOnly} is not in the OpenAPI document`);
  const responses = op.responses as Record<string, Json>;
  const documented = responses[String(res.status)];
  assert(
    documented,
    `${method} ${pathOnly} answered ${res.status}, documented: ${
      Object.keys(responses).join(", ")
    }`,
  );
  const content = documented.content as Record<string, { schema?: Json }> | undefined;
  const type = res.headers.get("content-type") ?? "";
  if (!content) {
    const text = await res.text();
    assert(text === "", `${method} ${pathOnly} ${res.status}: documented without a body`);
    return null;
  }
  if (!type.includes("json")) {
    await res.body?.cancel();
    return null;
  }
  const body = await res.json();
  const schema = content["application/json"]?.schema;
  assert(schema, `${method} ${pathOnly} ${res.status}: JSON answered, no JSON schema documented`);
  const result = new Validator(schema as never, "2020-12", false).validate(body);
  assert(
    result.valid,
    `${method} ${pathOnly} ${res.status} does not match its documented schema:\n` +
      result.errors.slice(0, 5).map((e) => `  ${e.instanceLocation}: ${e.error}`).join("\n") +
      `\nbody: ${JSON.stringify(body).slice(0, 500)}`,
  );
  return body;
}
