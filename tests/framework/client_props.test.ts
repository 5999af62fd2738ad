/**
 * The runtime reads island props without devalue for plain data and dates
 * (framework/client/props.ts) and must read them exactly as devalue's
 * `parse` does; every other type falls back to devalue (loaded then).
 */
import { assert, assertEquals } from "../helpers/assert.ts";
import { parse, stringify } from "devalue";
import { parseCommon, UNSUPPORTED } from "@/framework/client/props.ts";
import { parseProps } from "@/framework/client/boot.ts";

const shared = { id: "x", n: 2 };
const cyclic: Record<string, unknown> = { name: "loop" };
cyclic.self = cyclic;
// deno-lint-ignore no-sparse-arrays
const holes = [1, , 3];

const common: unknown[] = [
  [{ a: 1, b: "two", c: null, d: undefined, e: true, f: [1, 2, [3]] }],
  [{ when: new Date("2026-01-02T03:04:05.000Z"), bad: new Date(NaN) }],
  [{ nums: [NaN, Infinity, -Infinity, -0, 0, 1.5, -7, -2] }],
  [{ s: "Signal", t: '"Signal"', u: "Date", v: ["Date", "Set"] }],
  [{ one: shared, two: shared, list: [shared, shared] }],
  [cyclic],
  [{ holes }],
  [{ "a.b": 1, "": 2, "0": 3, "émoji 🐕": "</script>\u2028" }],
  [],
];

Deno.test("plain props are read as devalue reads them, shared values stay shared", () => {
  for (const value of common) {
    const s = stringify(value);
    const ours = parseCommon(s);
    assert(ours !== UNSUPPORTED, `read without devalue: ${s}`);
    assertEquals(ours, parse(s), s);
  }
  const both = parseCommon(stringify([{ one: shared, two: shared }])) as Record<string, unknown>[];
  assert(both[0].one === both[0].two, "one object, as devalue keeps it");
  const loop = parseCommon(stringify([cyclic])) as Record<string, unknown>[];
  assert(loop[0].self === loop[0], "a cycle stays a cycle");
  const h = (parseCommon(stringify([{ holes }])) as { holes: unknown[] }[])[0].holes;
  assert(!(1 in h), "a hole stays a hole");
  assert(Object.is((parseCommon(stringify([-0])) as number[])[0], -0));
});

Deno.test("other types and bad input fall back to devalue, with the same result", async () => {
  const other: unknown[] = [
    [{ s: new Set(["a"]) }],
    [{ m: new Map([["k", 1]]) }],
    [{ r: /x+/gi }],
    [{ b: 10n }],
    [{ u: new Uint8Array([1, 2]) }],
    [Object.assign(Object.create(null), { a: 1 })],
  ];
  for (const value of other) {
    const s = stringify(value);
    assertEquals(parseCommon(s), UNSUPPORTED, s);
    const props = parseProps(s);
    assert(props instanceof Promise, "read by devalue, loaded first");
    assertEquals(await props, parse(s), s);
  }
  const sparse = [];
  sparse[1000] = 1;
  assertEquals(parseCommon(stringify([sparse])), UNSUPPORTED);
  for (const bad of ["", "{}", "[", "[[5]]", '[{"a":9}]', '[{"__proto__":1},2]', "3"]) {
    assertEquals(parseCommon(bad), UNSUPPORTED, bad);
  }
});
