/**
 * The log line is built as text (platform/log.ts) for speed; it must stay
 * exactly what stringifying the entry object gives, field for field.
 */
import { assertEquals } from "@/tests/helpers/assert.ts";
import { configureLog, flushLog, log, logRequest, withLogContext } from "@/platform/log.ts";

function capture(fn: () => void): Record<string, unknown>[] {
  const lines: string[] = [];
  configureLog({ level: "debug", sink: (line) => lines.push(line) });
  try {
    fn();
  } finally {
    configureLog({ level: "error", sink: null });
    flushLog();
  }
  for (const l of lines) assertEquals(l.endsWith("\n"), true);
  return lines.map((l) => JSON.parse(l));
}

Deno.test("a log line carries time, level, message, the context and every field as JSON would", () => {
  const when = new Date("2026-01-02T03:04:05.678Z");
  const [line] = capture(() =>
    withLogContext({ requestId: "req-1", userId: "u-1" }, () =>
      log.info('request "quoted"\n', {
        method: "GET",
        n: 1.5,
        nested: { a: [1, "two", null], when },
        skipped: undefined,
        fn: () => 1,
        unicode: "привет \u2028",
      }))
  );
  const { time, ...rest } = line;
  assertEquals(typeof time, "string");
  assertEquals(Number.isNaN(Date.parse(time as string)), false);
  assertEquals(rest, {
    level: "info",
    msg: 'request "quoted"\n',
    requestId: "req-1",
    userId: "u-1",
    method: "GET",
    n: 1.5,
    nested: { a: [1, "two", null], when: when.toISOString() },
    unicode: "привет \u2028",
  });
  // Key order as in the entry object: fixed keys first, then fields in order.
  assertEquals(Object.keys(line), [
    "time",
    "level",
    "msg",
    "requestId",
    "userId",
    "method",
    "n",
    "nested",
    "unicode",
  ]);
});

Deno.test("errors in fields are written with type, message and cause", () => {
  const [line] = capture(() =>
    log.error("failed", { err: new TypeError("bad", { cause: new Error("root") }) })
  );
  const err = line.err as Record<string, unknown>;
  assertEquals(err.type, "TypeError");
  assertEquals(err.message, "bad");
  assertEquals((err.cause as Record<string, unknown>).message, "root");
});

Deno.test("a field named like a fixed key replaces its value, as in an object", () => {
  const [line] = capture(() => log.warn("m", { msg: "override", level: "custom", x: 1 }));
  assertEquals(line.msg, "override");
  assertEquals(line.level, "custom");
  assertEquals(line.x, 1);
});

Deno.test("fields that cannot be serialized still leave a line", () => {
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  const [a, b] = capture(() => {
    log.info("cyclic", { cyclic });
    log.info("bigint", { n: 1n });
  });
  assertEquals([a.msg, a.note], ["cyclic", "fields not serializable"]);
  assertEquals([b.msg, b.note], ["bigint", "fields not serializable"]);
});

Deno.test("lines below the configured level are dropped", () => {
  const lines: string[] = [];
  configureLog({ level: "warn", sink: (line) => lines.push(line) });
  try {
    log.info("quiet");
    log.warn("loud");
  } finally {
    configureLog({ level: "error", sink: null });
  }
  assertEquals(lines.map((l) => JSON.parse(l).msg), ["loud"]);
});

Deno.test("the access line is the same JSON as the generic line with its fields, odd paths included", () => {
  const ctx = { requestId: "req-9", userId: "u-9" };
  for (
    const [path, route] of [
      ['/courses/a"b\\c\n', "/courses/:slug"],
      ["/static/file.css", null],
      ["/путь?x=\u2028", "/:rest*"],
    ] as const
  ) {
    const [fast, generic] = capture(() => {
      logRequest(ctx, "GET", path, route, 404, 0.3);
      withLogContext(
        ctx,
        () => log.info("request", { method: "GET", path, route, status: 404, ms: 0.3 }),
      );
    });
    const { time: _t1, ...a } = fast;
    const { time: _t2, ...b } = generic;
    assertEquals(a, b);
    assertEquals(Object.keys(fast), Object.keys(generic));
  }
});

Deno.test("stdout gets every line whole and in order: many small ones, multi-byte text, one larger than the batch buffer", async () => {
  const script = `
    import { flushLog, log } from "${new URL("../../platform/log.ts", import.meta.url).href}";
    for (let i = 0; i < 3000; i++) log.info("line", { i, text: "привет, собака 🐕" });
    log.info("big", { text: "я".repeat(70000) });
    log.warn("after");
    log.info("last");
    flushLog();
  `;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["eval", "--ext=ts", script],
    stdout: "piped",
    stderr: "inherit",
  }).output();
  assertEquals(out.code, 0);
  const lines = new TextDecoder().decode(out.stdout).trimEnd().split("\n").map((l) =>
    JSON.parse(l)
  );
  assertEquals(lines.length, 3003);
  for (let i = 0; i < 3000; i++) {
    assertEquals([lines[i].i, lines[i].text], [i, "привет, собака 🐕"]);
  }
  assertEquals((lines[3000].text as string).length, 70000);
  assertEquals(lines.slice(3001).map((l) => l.msg), ["after", "last"]);
});
