/**
 * The import-cycle check of `deno task check` (tools/check_cycles.ts): a
 * circle of real imports fails and is printed as a chain of files; a circle
 * that only a type-only import closes passes. Once on a hand-made graph, once
 * on real files read through `deno info`, so a change in how Deno marks
 * type-only imports cannot make the check pass silently.
 */
import { assert, assertEquals, assertStringIncludes } from "../helpers/assert.ts";
import {
  cyclesOf,
  cyclicGroups,
  loadGraph,
  type ModuleGraph,
  report,
} from "@/tools/check_cycles.ts";

function graph(edges: Record<string, { code?: string[]; types?: string[] }>): ModuleGraph {
  return new Map(
    Object.entries(edges).map(([m, e]) => [m, { code: e.code ?? [], types: e.types ?? [] }]),
  );
}

Deno.test("a circle of real imports fails and is printed as a chain of files", () => {
  const g = graph({
    "core/services.ts": { code: ["queues/mod.ts", "platform/log.ts"] },
    "queues/mod.ts": { code: ["queues/jobs/push.ts"] },
    "queues/jobs/push.ts": { code: ["core/notifications.ts"] },
    "core/notifications.ts": { code: ["core/services.ts", "platform/log.ts"] },
    "platform/log.ts": {},
    "main.ts": { code: ["core/services.ts"] },
  });
  assertEquals(cyclicGroups(g), [[
    "core/notifications.ts",
    "core/services.ts",
    "queues/jobs/push.ts",
    "queues/mod.ts",
  ]]);
  const r = report(g);
  assertEquals(r.ok, false);
  assertStringIncludes(
    r.text,
    "core/notifications.ts → core/services.ts → queues/mod.ts → queues/jobs/push.ts → " +
      "core/notifications.ts",
  );
});

Deno.test("a circle closed only by a type-only import passes, and is counted as allowed", () => {
  const g = graph({
    "core/services.ts": { types: ["queues/types.ts"] },
    "queues/types.ts": { code: ["queues/jobs/mod.ts"] },
    "queues/jobs/mod.ts": { types: ["core/services.ts"] },
  });
  assertEquals(cyclicGroups(g), []);
  const r = report(g);
  assertEquals(r.ok, true);
  assertStringIncludes(r.text, "closed only by type imports: 1 group(s) (3 modules)");
});

Deno.test("two separate circles are two groups, each with its own chain; a self-import is a circle", () => {
  const g = graph({
    "a.ts": { code: ["b.ts"] },
    "b.ts": { code: ["a.ts"] },
    "c.ts": { code: ["d.ts", "c.ts"] },
    "d.ts": {},
  });
  assertEquals(cyclicGroups(g), [["a.ts", "b.ts"], ["c.ts"]]);
  assertEquals(cyclesOf(g, ["a.ts", "b.ts"]), [["a.ts", "b.ts", "a.ts"]]);
  assertEquals(cyclesOf(g, ["c.ts"]), [["c.ts", "c.ts"]]);
});

Deno.test("on real files, deno info marks import type and export type as type-only, and { type X } as real", async () => {
  const root = await Deno.makeTempDir({ prefix: "cycles-fixture-" });
  try {
    const write = (name: string, text: string) => Deno.writeTextFile(`${root}/${name}`, text);
    // Type-only circles: a → t1 → a, a → t2 → a.
    await write(
      "a.ts",
      'import type { T1 } from "./t1.ts";\nexport type { T2 } from "./t2.ts";\n' +
        "export const a = 1;\nexport type A = T1;\n",
    );
    await write(
      "t1.ts",
      'import { a } from "./a.ts";\nexport type T1 = number;\nexport const t = a;\n',
    );
    await write(
      "t2.ts",
      'import { a } from "./a.ts";\nexport type T2 = number;\nexport const u = a;\n',
    );
    let r = report(await loadGraph(root));
    assert(r.ok, r.text);

    // `import { type X }` keeps the module import at run time: a real circle.
    await write("b.ts", 'import { type C } from "./c.ts";\nexport const b: C = 1;\n');
    await write(
      "c.ts",
      'import { b } from "./b.ts";\nexport type C = number;\nexport const c = b;\n',
    );
    r = report(await loadGraph(root));
    assertEquals(r.ok, false);
    assertEquals(r.groups, [["b.ts", "c.ts"]]);
    assertStringIncludes(r.text, "b.ts → c.ts → b.ts");
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
