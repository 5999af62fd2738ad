/**
 * `deno task check` step: fails when the project's modules import each other
 * in a circle. A circle of real imports makes the order of module evaluation
 * matter (a value read before its module ran is `undefined`) and means no
 * layer can be read or tested without the others. Type-only imports
 * (`import type`, `export type … from`) are erased before the code runs, so a
 * circle that needs one of them to close is allowed.
 *
 * The graph comes from `deno info --json` on one synthetic root that imports
 * every .ts/.tsx file of the project, so tests, tools and files no entry
 * point reaches are covered too. In that JSON a dependency carries `code`
 * when it is imported as a value and only `type` when every import of it is
 * type-only; dynamic `import()` counts as a real import.
 *
 *   deno run -A tools/check_cycles.ts [root]
 */
import { join, relative } from "node:path";
import { pathToFileURL } from "node:url";

const toFileUrl = (path: string): URL => pathToFileURL(path);

/** A module's local imports: `code` are evaluated at run time, `types` are erased. */
export interface ModuleEdges {
  code: string[];
  types: string[];
}

/** Module (path relative to the root) → its imports of other project modules. */
export type ModuleGraph = Map<string, ModuleEdges>;

/** Folders that are not the project's own code. */
const SKIP_DIRS = new Set([".git", "node_modules", "_fresh", "data", ".scratch"]);

interface DenoInfoDependency {
  specifier: string;
  code?: { specifier?: string };
  type?: { specifier?: string };
  isDynamic?: boolean;
}

interface DenoInfo {
  modules: { specifier: string; dependencies?: DenoInfoDependency[] }[];
}

/** The project's graph from `deno info --json` output; modules outside `root` are dropped. */
export function graphFromDenoInfo(info: DenoInfo, root: string): ModuleGraph {
  const base = toFileUrl(root.endsWith("/") ? root : `${root}/`).href;
  const local = (spec: string | undefined): string | null =>
    spec?.startsWith(base) ? decodeURIComponent(spec.slice(base.length)) : null;
  const graph: ModuleGraph = new Map();
  for (const m of info.modules) {
    const from = local(m.specifier);
    if (from === null) continue;
    const edges: ModuleEdges = { code: [], types: [] };
    for (const dep of m.dependencies ?? []) {
      const codeTo = local(dep.code?.specifier);
      const typeTo = local(dep.type?.specifier);
      if (codeTo !== null) edges.code.push(codeTo);
      else if (typeTo !== null) edges.types.push(typeTo);
    }
    graph.set(from, edges);
  }
  return graph;
}

/**
 * Groups of modules that reach each other through real imports (strongly
 * connected components, Tarjan), each sorted, largest first. A module that
 * imports itself is a group of one.
 */
export function cyclicGroups(graph: ModuleGraph): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const groups: string[][] = [];
  const next = (v: string) => (graph.get(v)?.code ?? []).filter((w) => graph.has(w));

  // Iterative, so a deep import chain cannot overflow the call stack.
  for (const start of graph.keys()) {
    if (index.has(start)) continue;
    const work: { v: string; i: number }[] = [{ v: start, i: 0 }];
    index.set(start, counter);
    low.set(start, counter++);
    stack.push(start);
    onStack.add(start);
    while (work.length) {
      const top = work[work.length - 1];
      const deps = next(top.v);
      if (top.i < deps.length) {
        const w = deps[top.i++];
        if (!index.has(w)) {
          index.set(w, counter);
          low.set(w, counter++);
          stack.push(w);
          onStack.add(w);
          work.push({ v: w, i: 0 });
        } else if (onStack.has(w)) {
          low.set(top.v, Math.min(low.get(top.v)!, index.get(w)!));
        }
        continue;
      }
      work.pop();
      if (work.length) {
        const parent = work[work.length - 1].v;
        low.set(parent, Math.min(low.get(parent)!, low.get(top.v)!));
      }
      if (low.get(top.v) === index.get(top.v)) {
        const group: string[] = [];
        let w: string;
        do {
          w = stack.pop()!;
          onStack.delete(w);
          group.push(w);
        } while (w !== top.v);
        if (group.length > 1 || next(top.v).includes(top.v)) groups.push(group.sort());
      }
    }
  }
  return groups.sort((a, b) => b.length - a.length || (a[0] < b[0] ? -1 : 1));
}

/** The shortest circle of real imports from `start` back to it, inside `group`. */
export function shortestCycle(graph: ModuleGraph, group: string[], start: string): string[] {
  const members = new Set(group);
  const prev = new Map<string, string>();
  const queue = [start];
  const seen = new Set<string>();
  for (let i = 0; i < queue.length; i++) {
    const v = queue[i];
    for (const w of graph.get(v)?.code ?? []) {
      if (!members.has(w)) continue;
      if (w === start) {
        const path = [v];
        while (path[0] !== start) path.unshift(prev.get(path[0])!);
        return [...path, start];
      }
      if (seen.has(w)) continue;
      seen.add(w);
      prev.set(w, v);
      queue.push(w);
    }
  }
  return [];
}

/**
 * Circles to show for a group: the shortest one through each member, each
 * circle once (rotated to start at its smallest file), at most `limit`.
 */
export function cyclesOf(graph: ModuleGraph, group: string[], limit = 12): string[][] {
  const seen = new Set<string>();
  const out: string[][] = [];
  for (const m of group) {
    const c = shortestCycle(graph, group, m);
    if (!c.length) continue;
    const ring = c.slice(0, -1);
    const first = ring.indexOf([...ring].sort()[0]);
    const rotated = [...ring.slice(first), ...ring.slice(0, first)];
    const key = rotated.join(" ");
    if (seen.has(key)) continue;
    seen.add(key);
    out.push([...rotated, rotated[0]]);
    if (out.length >= limit) break;
  }
  return out;
}

/** The project's .ts/.tsx files, relative to `root`, sorted. */
export async function projectFiles(root: string): Promise<string[]> {
  const out: string[] = [];
  async function walk(dir: string) {
    for await (const e of Deno.readDir(dir)) {
      if (e.isDirectory) {
        if (!SKIP_DIRS.has(e.name)) await walk(join(dir, e.name));
      } else if (e.isFile && /\.tsx?$/.test(e.name) && !e.name.endsWith(".d.ts")) {
        out.push(relative(root, join(dir, e.name)).split("\\").join("/"));
      }
    }
  }
  await walk(root);
  return out.sort();
}

/** Runs `deno info --json` over every project file and returns the graph. */
export async function loadGraph(root: string): Promise<ModuleGraph> {
  const files = await projectFiles(root);
  const tmp = await Deno.makeTempDir({ prefix: "gafus-cycles-" });
  try {
    const entry = join(tmp, "all.ts");
    await Deno.writeTextFile(
      entry,
      files.map((f) => `import ${JSON.stringify(toFileUrl(join(root, f)).href)};\n`).join(""),
    );
    const args = ["info", "--json"];
    try {
      await Deno.stat(join(root, "deno.json"));
      args.push("--config", join(root, "deno.json"));
    } catch {
      args.push("--no-config");
    }
    const out = await new Deno.Command(Deno.execPath(), {
      args: [...args, entry],
      cwd: root,
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (!out.success) {
      throw new Error(`deno info failed:\n${new TextDecoder().decode(out.stderr)}`);
    }
    return graphFromDenoInfo(JSON.parse(new TextDecoder().decode(out.stdout)), root);
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
}

/** The graph with type-only imports counted as real ones. */
export function withTypeImports(graph: ModuleGraph): ModuleGraph {
  return new Map(
    [...graph].map(([m, e]) => [m, { code: [...e.code, ...e.types], types: [] }]),
  );
}

/**
 * The report for a graph: readable text and whether it passes. Circles that
 * only type-only imports close are allowed; they are counted for information.
 */
export function report(graph: ModuleGraph): { ok: boolean; text: string; groups: string[][] } {
  const groups = cyclicGroups(graph);
  if (!groups.length) {
    const typeOnly = cyclicGroups(withTypeImports(graph));
    const note = typeOnly.length
      ? `; allowed, closed only by type imports: ${typeOnly.length} group(s) (${
        typeOnly.map((g) => g.length).join(", ")
      } modules)`
      : "";
    return { ok: true, groups, text: `import cycles: none (${graph.size} modules)${note}` };
  }
  const lines = [
    `import cycles: ${groups.length} group(s) of modules import each other in a circle ` +
    `(${groups.reduce((n, g) => n + g.length, 0)} modules). Break each circle, or make the ` +
    `import that closes it type-only (import type).`,
  ];
  for (const [i, g] of groups.entries()) {
    lines.push("", `${i + 1}. ${g.length} module(s): ${g.join(", ")}`);
    for (const c of cyclesOf(graph, g)) lines.push(`   ${c.join(" → ")}`);
  }
  return { ok: false, groups, text: lines.join("\n") };
}

if (import.meta.main) {
  const root = Deno.args[0] ?? Deno.cwd();
  const r = report(await loadGraph(root));
  if (r.ok) console.log(r.text);
  else console.error(r.text);
  Deno.exit(r.ok ? 0 : 1);
}
