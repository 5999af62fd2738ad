/** Readiness: the database and Deno KV both answer; 503 with the failing part otherwise. */
import { define } from "@/define.ts";
import { checkReadiness } from "@/core/readiness.ts";

export const handler = define.handlers({
  async GET(ctx) {
    const { ok, database, kv } = await checkReadiness(ctx.state.services);
    return Response.json(
      { status: ok ? "ok" : "unavailable", database, kv },
      { status: ok ? 200 : 503, headers: { "cache-control": "no-store" } },
    );
  },
});
