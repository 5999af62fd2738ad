/**
 * Server side of islands: which components are islands, how they are marked
 * in the HTML while rendering, and how their props are serialized.
 *
 * Detection uses Preact's diff hooks (as Fresh 2 does): when the renderer is
 * about to render a component that is a registered island, and it is not
 * already inside one, the vnode is swapped for a wrapper that records the
 * props and surrounds the output with `<!--frsh:island:Name:idx:key-->` …
 * `<!--/frsh:island-->`. An island inside an island renders as a plain
 * component (the outer one hydrates it).
 */
import { type ComponentType, Fragment, h, isValidElement, options, type VNode } from "preact";
import { stringify } from "devalue";
// The core only: @preact/signals itself hooks into every server render of
// every page, and the server needs no more than the class to recognise one.
import { Signal } from "@preact/signals-core";

export interface IslandInfo {
  /** Unique name used in markers and in the boot script. */
  name: string;
  /** Export of the island module (`default` or a named export). */
  exportName: string;
  /** Manifest key of the module, e.g. `./islands/CourseSearch.tsx`. */
  file: string;
}

const registry = new Map<unknown, IslandInfo>();

export function registerIsland(component: unknown, info: IslandInfo) {
  registry.set(component, info);
}

export function islandInfo(component: unknown): IslandInfo | undefined {
  return registry.get(component);
}

export function registeredIslands(): IslandInfo[] {
  return [...registry.values()];
}

/** Island name from a module path and export, as Fresh: file name for default, else export name. */
export function islandName(file: string, exportName: string): string {
  if (exportName !== "default") return exportName;
  const base = file.split("/").pop()!.replace(/\.(tsx|ts|jsx|js)$/, "");
  // kebab-case file names become PascalCase component names.
  return base.split(/[-_]/).map((p) => p.charAt(0).toUpperCase() + p.slice(1)).join("");
}

/** What one server render collects (islands used, their props, head elements). */
export interface RenderState {
  islands: { info: IslandInfo; props: Record<string, unknown> }[];
  head: unknown[];
  depth: number;
}

let current: RenderState | null = null;

/** Runs a synchronous render with `state` as the collector. */
export function withRenderState<T>(state: RenderState, fn: () => T): T {
  const prev = current;
  current = state;
  try {
    return fn();
  } finally {
    current = prev;
  }
}

export function currentRenderState(): RenderState | null {
  return current;
}

interface WrapperProps {
  island: IslandInfo;
  component: ComponentType<Record<string, unknown>>;
  props: Record<string, unknown>;
  index: number;
  islandKey: string;
}

/** preact-render-to-string prints a Fragment with this prop as an HTML comment. */
function comment(text: string): VNode {
  return h(Fragment, { UNSTABLE_comment: text } as Record<string, unknown>);
}

function IslandWrapper({ component, props, index, island, islandKey }: WrapperProps): VNode {
  return h(Fragment, null, [
    comment(`frsh:island:${island.name}:${index}:${islandKey}`),
    h(component, props),
    comment("/frsh:island"),
  ]);
}

const WRAPPED = Symbol("frsh.wrapped");

type HookedVNode = VNode<Record<string, unknown>> & { [WRAPPED]?: boolean };

/** Refuses props that cannot reach the browser, naming the island and the prop. */
function checkProps(island: IslandInfo, props: Record<string, unknown>) {
  for (const [key, value] of Object.entries(props)) {
    if (key === "key" || key === "ref") continue;
    if (typeof value === "function") {
      throw new IslandPropError(
        island.name,
        key,
        "is a function, which cannot be sent to the browser",
      );
    }
    if (value instanceof Signal) continue;
    if (key === "children" || isValidElement(value)) {
      if (value === undefined || value === null) continue;
      throw new IslandPropError(island.name, key, "is JSX; islands take serializable props only");
    }
  }
}

export class IslandPropError extends Error {
  constructor(island: string, prop: string, why: string) {
    super(`Island "${island}": prop "${prop}" ${why}`);
    this.name = "IslandPropError";
  }
}

// deno-lint-ignore no-explicit-any
const opts = options as any;
const prevDiff = opts.__b;
const prevDiffed = opts.diffed;

opts.__b = (vnode: HookedVNode) => {
  const state = current;
  if (state && typeof vnode.type === "function") {
    if (vnode.type === (IslandWrapper as unknown)) {
      state.depth++;
      vnode[WRAPPED] = true;
    } else if (state.depth === 0) {
      const info = registry.get(vnode.type);
      if (info) {
        const props = { ...vnode.props };
        checkProps(info, props);
        const index = state.islands.length;
        state.islands.push({ info, props });
        const key = vnode.key == null ? "" : String(vnode.key);
        const wrapperProps: WrapperProps = {
          island: info,
          component: vnode.type as ComponentType<Record<string, unknown>>,
          props,
          index,
          islandKey: key,
        };
        // Swap in place: the renderer reads type and props after this hook.
        (vnode as { type: unknown }).type = IslandWrapper;
        (vnode as { props: unknown }).props = wrapperProps;
        state.depth++;
        vnode[WRAPPED] = true;
      }
    }
  }
  prevDiff?.(vnode);
};

opts.diffed = (vnode: HookedVNode) => {
  if (vnode[WRAPPED] && current) current.depth--;
  prevDiffed?.(vnode);
};

/** Escapes a string for a JS string literal inside an inline `<script>`. */
export function scriptSafe(json: string): string {
  return json
    .replace(/</g, "\\u003c")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

/**
 * Serializes all islands' props of one page as one devalue string (shared
 * values, such as one signal passed to two islands, stay shared).
 */
export function serializeIslandProps(state: RenderState): string {
  const all = state.islands.map((i) => {
    const { key: _k, ref: _r, children: _c, ...rest } = i.props;
    return rest;
  });
  try {
    return stringify(all, {
      Signal: (v: unknown) => v instanceof Signal ? [v.peek()] : undefined,
    });
  } catch (err) {
    const path = (err as { path?: string }).path ?? "";
    const m = /^\[(\d+)\]\.?([^.[]*)/.exec(path);
    if (m) {
      const island = state.islands[Number(m[1])].info.name;
      throw new IslandPropError(
        island,
        m[2] || path,
        `cannot be serialized: ${(err as Error).message}`,
      );
    }
    throw err;
  }
}
