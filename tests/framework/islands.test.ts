import { assert, assertEquals, assertStringIncludes } from "../helpers/assert.ts";
import { build } from "@/framework/build.ts";
import { createApp } from "@/framework/mod.ts";
import type { Manifest } from "@/framework/types.ts";
import { boot, hasSignals, parseProps } from "@/framework/client/boot.ts";
import { DOMParser } from "linkedom";
import Counter from "./fixture/islands/Counter.tsx";
import { Greeting } from "./fixture/islands/Greeting.tsx";
import type { Signal } from "@preact/signals";

const root = new URL("./fixture", import.meta.url).pathname;
const outDir = await Deno.makeTempDir({ prefix: "fresh-islands-" });
const meta = await build({ root, outDir, minify: false });
const manifest = (await import(`${root}/fresh.gen.ts?${Date.now()}`)).default as Manifest;
const app = await createApp(manifest, { buildDir: outDir, staticDir: `${root}/static` });

const itemHtml = await (await app.fetch(new Request("http://x/items/7"))).text();

function bootScript(html: string): string {
  const m = /<script type="module" nonce="[^"]+">([\s\S]*?)<\/script>/.exec(html);
  assert(m, "page has a boot script");
  return m[1];
}

Deno.test("island output is wrapped in frsh:island markers with index and key", () => {
  assertStringIncludes(itemHtml, "<!--frsh:island:Counter:0:--><button");
  assertStringIncludes(itemHtml, "<!--frsh:island:Counter:1:-->");
  assertStringIncludes(itemHtml, "<!--frsh:island:Greeting:2:--><span");
  assertEquals(itemHtml.match(/<!--\/frsh:island-->/g)?.length, 3);
});

Deno.test("a page with islands has exactly one module script that imports only the chunks it uses", () => {
  assertEquals(itemHtml.match(/<script/g)?.length, 1);
  const script = bootScript(itemHtml);
  const counter = meta.islands["./islands/Counter.tsx#default"].chunk;
  const greeting = meta.islands["./islands/Greeting.tsx#Greeting"].chunk;
  assertStringIncludes(script, `/_fresh/js/${meta.runtime}`);
  assertStringIncludes(script, `/_fresh/js/${counter}`);
  assertStringIncludes(script, `/_fresh/js/${greeting}`);
  // Counter is used twice but imported once.
  assertEquals(script.split(counter).length - 1, 1);
});

Deno.test("the boot script and its preloads go last in the body; the page keeps its doctype", () => {
  assert(itemHtml.startsWith("<!DOCTYPE html><html"), itemHtml.slice(0, 40));
  assert(/<\/script><\/body><\/html>$/.test(itemHtml), itemHtml.slice(-80));
  const body = itemHtml.slice(itemHtml.indexOf("<body"));
  assertStringIncludes(body, '<link rel="modulepreload"');
  assertEquals(itemHtml.split("</body>").length, 2);
});

Deno.test("the props blob escapes </script and U+2028", () => {
  const script = bootScript(itemHtml);
  assert(!script.includes("</script"), "no closing tag inside the script");
  assert(!script.includes("\u2028"), "no raw U+2028");
  assert(/u003c\/script>/i.test(script), "the < is written as an escape");
});

Deno.test("props round-trip: Date, Set and a signal shared by two islands", async () => {
  const script = bootScript(itemHtml);
  const literal = /boot\(\{[^}]*\},("(?:[^"\\]|\\.)*")\);$/.exec(script);
  assert(literal, "boot call found");
  const serialized = JSON.parse(literal[1]);
  assert(hasSignals(serialized), "the signal is seen in the props");
  const props = await parseProps(serialized);
  assertEquals(props.length, 3);
  assert(props[0].when instanceof Date);
  assertEquals((props[0].when as Date).toISOString(), "2026-01-02T03:04:05.000Z");
  assertEquals([...(props[0].tags as Set<string>)], ["a", "b"]);
  assertEquals((props[0].count as Signal<number>).value, 5);
  assert(props[0].count === props[1].count, "one shared signal");
  assertEquals(props[2].text, "</script><script>alert(1)</script>\u2028x");
});

Deno.test("props without a signal parse at once, and the runtime loads @preact/signals only for them", async () => {
  const props = parseProps('[[1],{"n":2},5]');
  assert(!(props instanceof Promise), "no signal: no promise, hydration at once");
  assertEquals(props, [{ n: 5 }]);
  const text = async (f: string) => await Deno.readTextFile(`${outDir}/js/${f}`);
  const statically = [meta.runtime, ...meta.deps[meta.runtime]];
  for (const f of statically) {
    assert(!(await text(f)).includes("preact+signals"), `${f} holds no @preact/signals`);
  }
  const lazy = [];
  for (const f of Object.keys(meta.sizes)) {
    if ((await text(f)).includes("preact+signals")) lazy.push(f);
  }
  assert(lazy.length > 0, "@preact/signals is a chunk of its own, loaded on demand");
});

Deno.test("a function prop is refused with an error naming the island and the prop", async () => {
  const res = await app.fetch(new Request("http://x/bad-island"));
  assertEquals(res.status, 500);
  assertStringIncludes(
    await res.text(),
    "Island &quot;Counter&quot;: prop &quot;onPick&quot; is a function",
  );
});

Deno.test("boot hydrates each island in place in a DOM (linkedom)", async () => {
  const doc = new DOMParser().parseFromString(itemHtml, "text/html");
  const g = globalThis as unknown as Record<string, unknown>;
  const saved = { document: g.document };
  g.document = doc;
  try {
    const literal = /boot\(\{[^}]*\},("(?:[^"\\]|\\.)*")\);$/.exec(bootScript(itemHtml))!;
    await boot({ Counter, Greeting } as never, JSON.parse(literal[1]), doc.body);
    const buttons = doc.querySelectorAll("button.counter");
    assertEquals(buttons.length, 2, "hydration keeps the server DOM (no duplicates)");
    assertStringIncludes(buttons[0].textContent!, "1 2026-01-02T03:04:05.000Z a,b 5");
    buttons[0].dispatchEvent(
      new (doc.defaultView as unknown as { Event: typeof Event }).Event("click"),
    );
    await new Promise((r) => setTimeout(r, 20));
    assertStringIncludes(doc.querySelectorAll("button.counter")[0].textContent!, "2 2026");
    assertStringIncludes(doc.querySelectorAll("button.counter")[1].textContent!, "2 1970");
    assertEquals(doc.querySelectorAll("span.greeting").length, 1);
  } finally {
    g.document = saved.document;
  }
});
