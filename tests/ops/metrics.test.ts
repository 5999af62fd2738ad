import { assert, assertEquals, assertStringIncludes } from "../helpers/assert.ts";
import { openTestApp } from "../helpers/app.ts";
import { signIn } from "../helpers/session.ts";
import { parsePrometheus } from "./prometheus.ts";
import { makeJobMix } from "./helpers.ts";
import { reportError } from "@/core/error_tracking.ts";
import { escapeLabelValue, Registry } from "@/platform/metrics.ts";

const TOKEN = "metrics-token-for-tests-0123456789";

Deno.test("metrics registry: escaped labels, cumulative buckets with +Inf = count", () => {
  const r = new Registry();
  const c = r.counter("t_events_total", "Events.\nSecond line \\ here.", ["kind"]);
  c.labels('say "hi"\\\n').inc(2);
  const h = r.histogram("t_seconds", "Durations.", ["op"], [0.1, 1]);
  h.labels("a").observe(0.05);
  h.labels("a").observe(0.5);
  h.labels("a").observe(5);
  const text = r.render();
  assertStringIncludes(text, "# HELP t_events_total Events.\\nSecond line \\\\ here.\n");
  assertStringIncludes(text, `t_events_total{kind="say \\"hi\\"\\\\\\n"} 2`);
  assertStringIncludes(text, `t_seconds_bucket{op="a",le="0.1"} 1`);
  assertStringIncludes(text, `t_seconds_bucket{op="a",le="1"} 2`);
  assertStringIncludes(text, `t_seconds_bucket{op="a",le="+Inf"} 3`);
  assertStringIncludes(text, `t_seconds_count{op="a"} 3`);
  const parsed = parsePrometheus(text);
  assertEquals(parsed.get("t_events_total")!.samples[0].labels.kind, 'say "hi"\\\n');
  assertEquals(escapeLabelValue('a"b'), 'a\\"b');
});

Deno.test("the test parser rejects what Prometheus would reject", () => {
  const bad = [
    "x 1\n", // no HELP/TYPE
    '# HELP x X.\n# TYPE x gauge\nx{a="1} 1\n', // broken labels
    "# HELP x X.\n# TYPE x gauge\nx one\n", // not a number
    "# HELP h H.\n# TYPE h histogram\n" +
    'h_bucket{le="1"} 3\nh_bucket{le="+Inf"} 2\nh_sum 1\nh_count 2\n', // not monotonic
    "# HELP h H.\n# TYPE h histogram\n" +
    'h_bucket{le="1"} 1\nh_bucket{le="+Inf"} 2\nh_sum 1\nh_count 3\n', // +Inf ≠ count
    "# HELP x X.\n# TYPE x gauge\nx 1", // no final newline
  ];
  for (const text of bad) {
    let threw = false;
    try {
      parsePrometheus(text);
    } catch {
      threw = true;
    }
    assert(threw, `should reject: ${JSON.stringify(text)}`);
  }
});

Deno.test("/metrics: Prometheus text with requests, jobs, job durations, error groups, memory", async () => {
  await using t = await openTestApp({ METRICS_TOKEN: TOKEN });
  await makeJobMix(t);
  await reportError(t.services, { source: "server", error: new Error("metrics test") });
  await t.fetch("/health");
  await t.fetch("/no-such-page");

  const res = await t.fetch("/metrics", { headers: { authorization: `Bearer ${TOKEN}` } });
  assertEquals(res.status, 200);
  assertStringIncludes(res.headers.get("content-type")!, "text/plain; version=0.0.4");
  const families = parsePrometheus(await res.text());

  const http = families.get("gafus_http_request_duration_seconds")!;
  assertEquals(http.type, "histogram");
  const health = http.samples.find((s) =>
    s.name.endsWith("_count") && s.labels.route === "/health" && s.labels.status === "200"
  );
  assert(health && health.value >= 1, "the /health request is counted by route and status");
  assert(
    http.samples.some((s) => s.labels.route === "-" && s.labels.status === "404"),
    "unrouted requests share one series",
  );

  const jobs = families.get("gafus_jobs")!;
  const count = (queue: string, state: string) =>
    jobs.samples.find((s) => s.labels.queue === queue && s.labels.state === state)?.value;
  assertEquals(count("maintenance", "done"), 2);
  assertEquals(count("push", "failed"), 3);
  assertEquals(count("maintenance", "queued"), 2);
  assertEquals(count("push", "queued"), 2);
  assertEquals(count("maintenance", "delayed"), 1);
  assertEquals(count("maintenance", "cancelled"), 1);

  const durations = families.get("gafus_job_duration_seconds")!;
  const failedRuns = durations.samples.find((s) =>
    s.name.endsWith("_count") && s.labels.job === "test-fail" && s.labels.outcome === "failed"
  );
  assert(failedRuns && failedRuns.value >= 3, "failed runs are timed");

  const groups = families.get("gafus_error_groups")!;
  assert(groups.samples.find((s) => s.labels.status === "new")!.value >= 1);
  const mem = families.get("gafus_process_memory_bytes")!;
  assert(mem.samples.find((s) => s.labels.kind === "rss")!.value > 0);
  assertEquals(families.get("gafus_up")!.samples.every((s) => s.value === 1), true);
});

Deno.test("/metrics needs the bearer token or an ADMIN session; 401 otherwise", async () => {
  await using t = await openTestApp({ METRICS_TOKEN: TOKEN });
  assertEquals((await t.fetch("/metrics")).status, 401);
  const wrong = await t.fetch("/metrics", { headers: { authorization: `Bearer ${TOKEN}x` } });
  assertEquals(wrong.status, 401);
  assertEquals(
    (await t.fetch("/metrics", { headers: { authorization: `Basic ${btoa("a:b")}` } })).status,
    401,
  );
  const short = await t.fetch("/metrics", { headers: { authorization: "Bearer " } });
  assertEquals(short.status, 401);
  assertEquals(
    (await t.fetch("/metrics", { headers: { authorization: `Bearer ${TOKEN}` } })).status,
    200,
  );
  const admin = await signIn(t, "metrics_admin", "ADMIN");
  assertEquals((await admin.fetch("/metrics")).status, 200);
  for (const role of ["MODERATOR", "TRAINER", "USER"] as const) {
    const u = await signIn(t, `metrics_${role.toLowerCase()}`, role);
    assertEquals((await u.fetch("/metrics")).status, 401, role);
  }
});

Deno.test("/metrics without a configured token: only an ADMIN session reads it", async () => {
  await using t = await openTestApp();
  assertEquals(
    (await t.fetch("/metrics", { headers: { authorization: "Bearer anything-at-all-here" } }))
      .status,
    401,
  );
  const admin = await signIn(t, "metrics_admin2", "ADMIN");
  const res = await admin.fetch("/metrics");
  assertEquals(res.status, 200);
  parsePrometheus(await res.text());
});
