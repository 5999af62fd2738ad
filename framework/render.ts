/**
 * Renders a page to HTML: `_app` → layouts (outer to inner) → page, then adds
 * what `<Head>` collected and, only when islands were rendered, one inline
 * module script (with the CSP nonce) that boots exactly those islands.
 */
import { type ComponentChildren, type ComponentType, Fragment, h, type VNode } from "preact";
import { renderToString } from "preact-render-to-string";
import type { Assets } from "./assets.ts";
import { type RenderState, scriptSafe, serializeIslandProps, withRenderState } from "./islands.ts";
import { currentRenderState } from "./islands.ts";
import type { PageProps } from "./types.ts";

// deno-lint-ignore no-explicit-any
type AnyComponent = ComponentType<any>;

export interface RenderInput {
  app?: AnyComponent;
  layouts: AnyComponent[];
  page: AnyComponent;
  props: PageProps<unknown, unknown>;
  nonce: () => string;
  assets: Assets;
}

/** Collects `<title>`, `<meta>`… into the document head, from anywhere in the tree. */
export function Head({ children }: { children?: ComponentChildren }): null {
  const state = currentRenderState();
  if (state) state.head.push(children);
  return null;
}

let currentAssets: Assets | null = null;

export function setAssets(assets: Assets) {
  currentAssets = assets;
}

/** A cache-busting URL for a file in `static/` (`/styles.css?v=<hash>`). */
export function asset(path: string): string {
  return currentAssets ? currentAssets.asset(path) : path;
}

/**
 * True while rendering when an island was rendered before this point of the
 * tree (pages render before what `_app` puts after them), so `_app` can add
 * an island only to pages that already load the island runtime.
 */
export function pageHasIslands(): boolean {
  return (currentRenderState()?.islands.length ?? 0) > 0;
}

/** The running build's release and its app shell (for the service worker). */
export function shell(): { release: string; precache: string[] } {
  return currentAssets
    ? { release: currentAssets.release, precache: currentAssets.precacheUrls() }
    : { release: "dev", precache: [] };
}

function compose(input: RenderInput): VNode {
  const { props } = input;
  let inner: AnyComponent = () => h(input.page, props);
  for (let i = input.layouts.length - 1; i >= 0; i--) {
    const Layout: AnyComponent = input.layouts[i];
    const Next: AnyComponent = inner;
    inner = (): VNode => h(Layout, { ...props, Component: Next });
  }
  if (input.app) return h(input.app, { ...props, Component: inner });
  return h(inner, null);
}

export function renderHtml(input: RenderInput): string {
  const state: RenderState = { islands: [], head: [], depth: 0 };
  let html = withRenderState(state, () => renderToString(compose(input)));
  let serialized = "";
  if (state.islands.length) serialized = serializeIslandProps(state);

  if (state.head.length) {
    const headHtml = renderToString(h(Fragment, null, state.head as ComponentChildren));
    // The head is near the start: search forward (a backward search would scan the whole body).
    const at = html.indexOf("</head>");
    html = at < 0 ? headHtml + html : html.slice(0, at) + headHtml + html.slice(at);
  }
  if (state.islands.length) {
    html = insertBeforeBodyEnd(html, bootScript(input, state, serialized));
  }
  return html.startsWith("<html") ? "<!DOCTYPE html>" + html : html;
}

function insertBeforeBodyEnd(html: string, content: string): string {
  const at = html.lastIndexOf("</body>");
  return at < 0 ? html + content : html.slice(0, at) + content + html.slice(at);
}

function escapeAttr(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");
}

function bootScript(input: RenderInput, state: RenderState, serialized: string): string {
  const { assets } = input;
  const nonce = escapeAttr(input.nonce());
  const imports: string[] = [];
  const names: string[] = [];
  const chunks = new Map<string, string[]>();
  const seen = new Set<string>();
  for (const { info } of state.islands) {
    if (seen.has(info.name)) continue;
    seen.add(info.name);
    const entry = assets.meta.islands[`${info.file}#${info.exportName}`];
    if (!entry) {
      throw new Error(
        `Island "${info.name}" is not in the client bundle: run \`deno task build\`.`,
      );
    }
    const list = chunks.get(entry.chunk) ?? [];
    list.push(`${info.exportName === "default" ? "default" : info.exportName} as I${names.length}`);
    names.push(`${JSON.stringify(info.name)}:I${names.length}`);
    chunks.set(entry.chunk, list);
  }
  for (const [chunk, specs] of chunks) {
    imports.push(`import{${specs.join(",")}}from${JSON.stringify(assets.chunkUrl(chunk))};`);
  }
  const preload = assets.preloads([assets.meta.runtime, ...chunks.keys()])
    .map((f) => `<link rel="modulepreload" href="${escapeAttr(assets.chunkUrl(f))}">`)
    .join("");
  const props = scriptSafe(JSON.stringify(serialized));
  return preload +
    `<script type="module" nonce="${nonce}">` +
    `import{boot}from${JSON.stringify(assets.chunkUrl(assets.meta.runtime))};` +
    imports.join("") +
    `boot({${names.join(",")}},${props});</script>`;
}
