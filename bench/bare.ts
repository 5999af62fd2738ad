/** The baseline: a bare Deno.serve that answers "ok". */
const port = Number(Deno.args[0] ?? 8100);
Deno.serve({ port, hostname: "127.0.0.1", onListen() {} }, () => new Response("ok"));
