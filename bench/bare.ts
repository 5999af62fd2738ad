/**
 * The baselines: a bare Deno.serve that answers "ok"; with `key`, 16 raw bytes
 * like the video key endpoint; with `same <file>`, the body and headers saved
 * in that JSON file (`{ body, headers }`: what the app answered on /health), so
 * the difference to the app is the framework and middleware alone.
 */
const port = Number(Deno.args[0] ?? 8100);
const mode = Deno.args[1];
const key = mode === "key" ? crypto.getRandomValues(new Uint8Array(16)) : null;
const same: { body: string; headers: [string, string][] } | null = mode === "same"
  ? JSON.parse(Deno.readTextFileSync(Deno.args[2]))
  : null;
Deno.serve(
  { port, hostname: "127.0.0.1", onListen() {} },
  () =>
    key
      ? new Response(key, {
        headers: { "content-type": "application/octet-stream", "cache-control": "no-store" },
      })
      : same
      ? new Response(same.body, { headers: same.headers })
      : new Response("ok"),
);
