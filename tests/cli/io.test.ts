import { assertEquals } from "../helpers/assert.ts";
import { details, progressLine, table } from "@/cli/io.ts";
import { csvField, csvLine } from "@/core/exports.ts";

Deno.test("CLI output: aligned tables, key/value details, a progress line", () => {
  assertEquals(
    table([{ name: "push", n: 3 }, { name: "ops-alert", n: 12 }]),
    "NAME       N\n---------  --\npush       3\nops-alert  12",
  );
  assertEquals(table([]), "(none)");
  assertEquals(
    details([["id", "x"], ["created", new Date(0)]]),
    "id:      x\ncreated: 1970-01-01 00:00:00",
  );
  assertEquals(progressLine(1, 4, 8), "[##      ]  25%  1/4");
  assertEquals(progressLine(0, 0, 4), "[####] 100%  0/0");
});

Deno.test("CSV fields: quoted when needed, formulas defused", () => {
  assertEquals(csvField(null), "");
  assertEquals(csvField(12), "12");
  assertEquals(csvField(false), "false");
  assertEquals(csvField('say "hi", ok'), '"say ""hi"", ok"');
  assertEquals(csvField("=1+1"), "'=1+1");
  assertEquals(csvField("-2"), "'-2");
  assertEquals(csvField("line\nbreak"), '"line\nbreak"');
  assertEquals(csvLine(["a", null, 1]), "a,,1\r\n");
});
