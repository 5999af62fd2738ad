/**
 * `/api/docs`: the OpenAPI document of `/api/v1` as a readable page, grouped
 * by tag — method, path, summary, who may call it, parameters, the request
 * body and each response with its fields. Rendered on the server from the
 * same document `/api/v1/openapi.json` serves; no script, no external assets.
 */
import { define } from "@/define.ts";
import { page } from "@/framework/mod.ts";
import { PageTitle } from "@/components/PageTitle.tsx";
import { DocText, type JsonSchema, SchemaFields } from "@/components/api/SchemaFields.tsx";
import { openApiDocumentPath } from "@/core/paths.ts";
import type { MessageKey, Translator } from "@/core/i18n/mod.ts";

interface Parameter {
  name: string;
  in: "path" | "query";
  required: boolean;
  schema: JsonSchema;
  description?: string;
}

interface Content {
  [type: string]: { schema?: JsonSchema };
}

export interface Operation {
  method: string;
  path: string;
  id: string;
  summary: string;
  description?: string;
  auth: string;
  parameters: Parameter[];
  body?: Content;
  responses: { status: string; description: string; content?: Content }[];
}

export interface DocsData {
  title: string;
  description?: string;
  groups: { tag: string; operations: Operation[] }[];
}

type RawOperation = {
  operationId: string;
  summary: string;
  description?: string;
  tags?: string[];
  "x-gafus-auth"?: string;
  parameters?: Parameter[];
  requestBody?: { content: Content };
  responses: Record<string, { description: string; content?: Content }>;
};

/** The document's operations grouped by their first tag (auth first, the rest by name). */
export function docsData(doc: Record<string, unknown>, untagged: string): DocsData {
  const info = doc.info as { title: string; description?: string };
  const paths = doc.paths as Record<string, Record<string, RawOperation>>;
  const groups = new Map<string, Operation[]>();
  for (const [path, methods] of Object.entries(paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const tag = op.tags?.[0] ?? untagged;
      if (!groups.has(tag)) groups.set(tag, []);
      groups.get(tag)!.push({
        method: method.toUpperCase(),
        path,
        id: op.operationId,
        summary: op.summary,
        description: op.description,
        auth: op["x-gafus-auth"] ?? "none",
        parameters: op.parameters ?? [],
        body: op.requestBody?.content,
        responses: Object.entries(op.responses).map(([status, r]) => ({
          status,
          description: r.description,
          content: r.content,
        })),
      });
    }
  }
  const rank = (tag: string) => (tag === "auth" ? "0" : tag === untagged ? "2" : "1") + tag;
  return {
    title: info.title,
    description: info.description,
    groups: [...groups.entries()].sort((a, b) => rank(a[0]).localeCompare(rank(b[0])))
      .map(([tag, operations]) => ({ tag, operations })),
  };
}

export const handler = define.handlers<DocsData>({
  GET(ctx) {
    return page(docsData(ctx.state.openApi(), ctx.state.t("api.docs.untagged")));
  },
});

function ContentView({ content, t }: { content?: Content; t: Translator }) {
  if (!content) return <p class="muted">{t("api.docs.noBody")}</p>;
  return (
    <>
      {Object.entries(content).map(([type, c]) => (
        <div key={type}>
          <p class="api-op__ctype">
            <code>{type}</code>
          </p>
          {c.schema && <SchemaFields schema={c.schema} t={t} />}
        </div>
      ))}
    </>
  );
}

function OperationView({ op, t }: { op: Operation; t: Translator }) {
  return (
    <section class="api-op" id={op.id} aria-labelledby={`${op.id}-h`}>
      <h3 id={`${op.id}-h`} class="api-op__title">
        <span class={`api-method api-method--${op.method.toLowerCase()}`}>{op.method}</span>{" "}
        <code class="api-op__path">{op.path}</code>
      </h3>
      <p class="api-op__summary">{op.summary}</p>
      {op.description && (
        <p class="api-op__desc">
          <DocText text={op.description} />
        </p>
      )}
      <p class="api-op__auth">
        <strong>{t("api.docs.auth")}:</strong> {t(`api.docs.auth.${op.auth}` as MessageKey)}
      </p>
      {op.parameters.length > 0 && (
        <>
          <h4>{t("api.docs.parameters")}</h4>
          <ul class="api-fields">
            {op.parameters.map((p) => (
              <li key={`${p.in}:${p.name}`}>
                <code class="api-fields__name">{p.name}</code>{" "}
                <span class="api-fields__type">{t(`api.docs.in.${p.in}`)}</span>{" "}
                <span class={p.required ? "api-fields__req" : "api-fields__opt"}>
                  {t(p.required ? "api.docs.required" : "api.docs.optional")}
                </span>
                {p.description && (
                  <span class="api-fields__desc">
                    — <DocText text={p.description} />
                  </span>
                )}
              </li>
            ))}
          </ul>
        </>
      )}
      {op.body && (
        <>
          <h4>{t("api.docs.body")}</h4>
          <ContentView content={op.body} t={t} />
        </>
      )}
      <h4>{t("api.docs.responses")}</h4>
      <dl class="api-responses">
        {op.responses.map((r) => (
          <div key={r.status}>
            <dt>
              <code>{r.status}</code> <DocText text={r.description} />
            </dt>
            <dd>
              <ContentView content={r.content} t={t} />
            </dd>
          </div>
        ))}
      </dl>
    </section>
  );
}

export default define.page<typeof handler>(({ data, state }) => {
  const { t } = state;
  return (
    <article class="api-docs">
      <PageTitle t={t} title={t("api.docs.title")} />
      <h1>{t("api.docs.title")}</h1>
      <p>{t("api.docs.intro")}</p>
      <p>
        <a href={openApiDocumentPath()}>{t("api.docs.json")}</a>
      </p>
      <nav aria-labelledby="api-docs-contents">
        <h2 id="api-docs-contents">{t("api.docs.contents")}</h2>
        <ul class="api-docs__toc">
          {data.groups.map((g) => (
            <li key={g.tag}>
              <a href={`#tag-${g.tag}`}>{g.tag}</a>
              <ul>
                {g.operations.map((op) => (
                  <li key={op.id}>
                    <a href={`#${op.id}`}>
                      <span class="api-method-name">{op.method}</span> <code>{op.path}</code>
                    </a>
                  </li>
                ))}
              </ul>
            </li>
          ))}
        </ul>
      </nav>
      {data.groups.map((g) => (
        <section key={g.tag} id={`tag-${g.tag}`} aria-labelledby={`tag-${g.tag}-h`}>
          <h2 id={`tag-${g.tag}-h`}>{g.tag}</h2>
          {g.operations.map((op) => <OperationView key={op.id} op={op} t={t} />)}
        </section>
      ))}
    </article>
  );
});
