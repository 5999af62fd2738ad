/** Readiness: the database and Deno KV both answer; 503 with the failing part otherwise. */
import { define } from "@/define.ts";
import { log } from "@/platform/log.ts";

async function timed(check: () => Promise<unknown>): Promise<{ ok: boolean; ms: number }> {
  const t0 = performance.now();
  try {
    await Promise.race([
      check(),
      new Promise((_, reject) => setTimeout(() => reject(new Error("timeout")), 2000)),
    ]);
    return { ok: true, ms: Math.round(performance.now() - t0) };
  } catch (err) {
    log.warn("readiness check failed", { err });
    return { ok: false, ms: Math.round(performance.now() - t0) };
  }
}

export const handler = define.handlers({
  async GET(ctx) {
    const { services } = ctx.state;
    const [database, kv] = await Promise.all([
      timed(() => services.pingDb()),
      timed(() => services.kv.get(["health"])),
    ]);
    const ok = database.ok && kv.ok;
    return Response.json(
      { status: ok ? "ok" : "unavailable", database: { kind: services.dbKind, ...database }, kv },
      { status: ok ? 200 : 503, headers: { "cache-control": "no-store" } },
    );
  },
});
