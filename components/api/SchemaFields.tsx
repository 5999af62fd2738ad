/**
 * A JSON Schema (as the OpenAPI document holds it) shown as a readable list
 * of fields: name, type, required or optional, description, allowed values,
 * and nested objects and list items indented below their field.
 */
import type { Translator } from "@/core/i18n/mod.ts";

export type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  additionalProperties?: boolean | JsonSchema;
  description?: string;
  format?: string;
  $ref?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  default?: unknown;
};

const MAX_DEPTH = 6;

/** A description with its `code` spans (the only markup the route docs use). */
export function DocText({ text }: { text: string }) {
  return <>{text.split("`").map((part, i) => (i % 2 ? <code key={i}>{part}</code> : part))}</>;
}

function variants(s: JsonSchema): JsonSchema[] | undefined {
  return s.anyOf ?? s.oneOf;
}

/** A short type label: `string`, `integer (≥ 1)`, `one of: a | b`, `list of object`… */
export function typeLabel(s: JsonSchema, t: Translator): string {
  if (s.$ref) return s.$ref.split("/").pop() ?? s.$ref;
  if (s.const !== undefined) return JSON.stringify(s.const);
  if (s.enum) return `${t("api.docs.oneOf")}: ${s.enum.map((v) => JSON.stringify(v)).join(" | ")}`;
  const alts = variants(s);
  if (alts) return alts.map((a) => typeLabel(a, t)).join(" | ");
  if (s.allOf) return s.allOf.map((a) => typeLabel(a, t)).join(" & ");
  const type = Array.isArray(s.type) ? s.type.join(" | ") : s.type;
  if (!type) return t("api.docs.any");
  if (type === "array") return `${t("api.docs.listOf")} ${s.items ? typeLabel(s.items, t) : "…"}`;
  const limits: string[] = [];
  if (s.format) limits.push(s.format);
  if (s.minimum !== undefined) limits.push(`≥\u00a0${s.minimum}`);
  if (s.maximum !== undefined) limits.push(`≤\u00a0${s.maximum}`);
  if (s.minLength !== undefined && s.minLength > 0) limits.push(`≥\u00a0${s.minLength}`);
  if (s.maxLength !== undefined) limits.push(`≤\u00a0${s.maxLength}`);
  return limits.length ? `${type} (${limits.join(", ")})` : type;
}

/** The object schemas a value's fields live in (itself, list items, variants). */
function objectParts(s: JsonSchema): JsonSchema[] {
  if (s.properties && Object.keys(s.properties).length) return [s];
  if (s.items) return objectParts(s.items);
  const alts = variants(s) ?? s.allOf;
  return alts ? alts.flatMap(objectParts) : [];
}

export function SchemaFields(
  { schema, t, depth = 0 }: { schema: JsonSchema; t: Translator; depth?: number },
) {
  const parts = objectParts(schema);
  if (!parts.length || depth >= MAX_DEPTH) {
    return <p class="api-schema__type">{typeLabel(schema, t)}</p>;
  }
  return (
    <>
      {parts.map((part, i) => (
        <ul class="api-fields" key={i}>
          {Object.entries(part.properties!).map(([name, field]) => {
            const required = part.required?.includes(name) ?? false;
            return (
              <li key={name}>
                <code class="api-fields__name">{name}</code>{" "}
                <span class="api-fields__type">{typeLabel(field, t)}</span>{" "}
                <span class={required ? "api-fields__req" : "api-fields__opt"}>
                  {t(required ? "api.docs.required" : "api.docs.optional")}
                </span>
                {field.description && (
                  <span class="api-fields__desc">
                    — <DocText text={field.description} />
                  </span>
                )}
                {objectParts(field).length > 0 && (
                  <SchemaFields schema={field} t={t} depth={depth + 1} />
                )}
              </li>
            );
          })}
        </ul>
      ))}
    </>
  );
}
