/** The baseline: a bare Deno.serve that answers "ok" (or, with `key`, 16 raw bytes like the video key endpoint). */
const port = Number(Deno.args[0] ?? 8100);
const key = Deno.args[1] === "key" ? crypto.getRandomValues(new Uint8Array(16)) : null;
Deno.serve(
  { port, hostname: "127.0.0.1", onListen() {} },
  () =>
    key
      ? new Response(key, {
        headers: { "content-type": "application/octet-stream", "cache-control": "no-store" },
      })
      : new Response("ok"),
);
