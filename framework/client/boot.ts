/**
 * Browser runtime: finds the island markers the server wrote, restores each
 * island's props and hydrates it in place. Loaded only by pages with islands
 * — the only pages that run our JavaScript, so the error reporter lives here.
 *
 * `@preact/signals` (≈ 3 KB gzip) is loaded only by a page whose props hold a
 * signal, and devalue (≈ 1.8 KB) only by one whose props are more than plain
 * data and dates (./props.ts): separate chunks, precached by the service
 * worker like every other; no island of the app needs either today.
 */
import { type ComponentType, h, hydrate } from "preact";
import { parseCommon, UNSUPPORTED } from "./props.ts";

/**
 * Uncaught errors and unhandled rejections go to the server's error tracking
 * (`/api/v1/client-errors`) as a beacon, which survives leaving the page. A
 * page reports each distinct error once, and at most 10 in all.
 */
function reportErrors() {
  const url = "/api/v1/client-errors";
  const seen = new Set<string>();
  const send = (kind: string, e: unknown, extra?: Record<string, unknown>) => {
    const err = e instanceof Error ? e : null;
    const message = String(err ? err.message : e ?? "").slice(0, 1000) || kind;
    const key = kind + message;
    if (seen.has(key) || seen.size >= 10) return;
    seen.add(key);
    const body = JSON.stringify({
      kind,
      type: err?.name,
      message,
      stack: err?.stack?.slice(0, 8000),
      url: location.href.slice(0, 1000),
      ...extra,
    });
    try {
      if (navigator.sendBeacon?.(url, body)) return;
    } catch { /* fall back to fetch */ }
    fetch(url, { method: "POST", body, keepalive: true }).catch(() => {});
  };
  addEventListener("error", (e) => {
    // "Script error." from another origin's script carries nothing useful.
    if (!e.error && !e.filename) return;
    send(
      "error",
      e.error ?? e.message,
      e.error ? undefined : {
        source: e.filename.slice(0, 1000),
        line: e.lineno,
        column: e.colno,
      },
    );
  });
  addEventListener("unhandledrejection", (e) => send("unhandledrejection", e.reason));
}

// Not under Deno (tests import this module): only in a browser page.
if (typeof document !== "undefined" && typeof location !== "undefined") reportErrors();

interface Marker {
  name: string;
  index: number;
  start: Comment;
  end: Comment;
}

/** All top-level island ranges under `root`, in document order. */
export function findIslands(root: Node): Marker[] {
  const out: Marker[] = [];
  const doc = root.ownerDocument ?? (root as Document);
  const walker = doc.createTreeWalker(root, 128 /* NodeFilter.SHOW_COMMENT */);
  const stack: { name: string; index: number; start: Comment }[] = [];
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const text = (n as Comment).data;
    if (text.startsWith("frsh:island:")) {
      const [, , name, index] = text.split(":");
      stack.push({ name, index: Number(index), start: n as Comment });
    } else if (text === "/frsh:island") {
      const open = stack.pop();
      if (!open) continue;
      if (open.start.parentNode !== n.parentNode) {
        console.error(
          `Island "${open.name}": its start and end markers have different parents; ` +
            "check for invalid HTML nesting (e.g. a <div> inside a <p>).",
        );
        continue;
      }
      if (stack.length === 0) out.push({ ...open, end: n as Comment });
    }
  }
  return out;
}

/**
 * A stand-in parent that makes Preact render into the nodes between two
 * comment markers instead of a whole element.
 */
export function rootFragment(start: Comment, end: Comment): Element {
  const parent = start.parentNode as Element;
  const children = () => {
    const list: ChildNode[] = [];
    for (let n = start.nextSibling; n && n !== end; n = n.nextSibling) list.push(n);
    return list;
  };
  const frag = {
    nodeType: 1,
    parentNode: parent,
    ownerDocument: parent.ownerDocument,
    namespaceURI: parent.namespaceURI,
    localName: parent.localName,
    get firstChild() {
      const n = start.nextSibling;
      return n === end ? null : n;
    },
    get childNodes() {
      return children();
    },
    insertBefore(node: Node, ref: Node | null) {
      return parent.insertBefore(node, ref ?? end);
    },
    appendChild(node: Node) {
      return parent.insertBefore(node, end);
    },
    removeChild(node: Node) {
      return parent.removeChild(node);
    },
    contains(node: Node) {
      return children().some((c) => c === node || c.contains(node));
    },
  };
  return frag as unknown as Element;
}

type Props = Record<string, unknown>[];

/**
 * Whether the serialized props hold a signal: devalue writes a custom type as
 * `["Signal",…]`, its name a string of its own (a prop's text is escaped, so
 * only a string prop that is exactly "Signal" matches too, and costs a load).
 */
export function hasSignals(serialized: string): boolean {
  return serialized.includes('"Signal"');
}

/**
 * The islands' props: at once for plain data and dates; a promise when they
 * hold a signal or another type only devalue reads (its modules load first).
 */
export function parseProps(serialized: string): Props | Promise<Props> {
  const signals = hasSignals(serialized);
  if (!signals) {
    const props = parseCommon(serialized);
    if (props !== UNSUPPORTED) return props as Props;
  }
  return Promise.all([import("devalue"), signals ? import("@preact/signals") : null]).then(
    ([{ parse }, s]) =>
      parse(serialized, s ? { Signal: (v: unknown[]) => s.signal(v[0]) } : undefined) as Props,
  );
}

/** Hydrates every island; at once, or after loading `@preact/signals` when a prop is a signal. */
export function boot(
  islands: Record<string, ComponentType<Record<string, unknown>>>,
  serialized: string,
  root: Node = document.body,
): void | Promise<void> {
  const props = parseProps(serialized);
  if (props instanceof Promise) return props.then((p) => hydrateAll(islands, p, root));
  hydrateAll(islands, props, root);
}

function hydrateAll(
  islands: Record<string, ComponentType<Record<string, unknown>>>,
  props: Props,
  root: Node,
) {
  for (const m of findIslands(root)) {
    const Component = islands[m.name];
    if (!Component) {
      console.error(`Island "${m.name}" has no client module on this page.`);
      continue;
    }
    hydrate(h(Component, props[m.index] ?? {}), rootFragment(m.start, m.end));
  }
}
