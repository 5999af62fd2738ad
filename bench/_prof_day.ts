import { withPostgresApp } from "./pg_app.ts";
import { benchDayPage } from "./learn.ts";
import { DEFAULTS } from "./lib.ts";
Deno.env.set("BENCH_DENO_FLAGS", "--inspect=127.0.0.1:9229");
await withPostgresApp("postgres://postgres@127.0.0.1:5432/test", async (env) => {
  Deno.env.delete("BENCH_DENO_FLAGS");
  const prof = new Deno.Command("deno", { args: ["run", "-A", "/tmp/abl/prof.ts", "30", Deno.args[0]] }).spawn();
  const r = await benchDayPage(env, DEFAULTS);
  await prof.status;
  console.log(r.ratio);
});
