/**
 * A TCP proxy in front of PostgreSQL that counts the statements passing
 * through it: each Execute ('E', extended protocol, what postgres.js sends)
 * and each simple Query ('Q'). Benchmarks point an app instance at it to
 * learn how many statements an operation costs, without touching the app or
 * needing pg_stat_statements in shared_preload_libraries.
 */
export interface CountingProxy {
  /** `databaseUrl` with host and port of the proxy. */
  url: string;
  /** Statements seen since start (or the last `reset`). */
  statements(): number;
  /**
   * Statements per read from the client since start (or the last `reset`):
   * what the client sent in one write, e.g. `[2, 1]` for two statements
   * pipelined, then one on its own.
   */
  batches(): number[];
  reset(): void;
  close(): void;
}

const SSL_REQUEST = 80877103;
const GSS_REQUEST = 80877104;

export function countingProxy(databaseUrl: string): CountingProxy {
  const target = new URL(databaseUrl);
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  let count = 0;
  let batches: number[] = [];
  const serve = async (client: Deno.Conn) => {
    let server: Deno.Conn;
    try {
      server = await Deno.connect({
        hostname: target.hostname,
        port: Number(target.port || 5432),
      });
    } catch {
      client.close();
      return;
    }
    // Server → client unchanged.
    server.readable.pipeTo(client.writable).catch(() => {});
    const writer = server.writable.getWriter();
    // Client → server: walk the message framing to count Execute and Query.
    let buf = new Uint8Array(0);
    let startup = true;
    try {
      for await (const chunk of client.readable) {
        await writer.write(chunk);
        const joined = new Uint8Array(buf.length + chunk.length);
        joined.set(buf);
        joined.set(chunk, buf.length);
        buf = joined;
        let at = 0;
        let inChunk = 0;
        while (true) {
          const view = new DataView(buf.buffer, buf.byteOffset + at);
          if (startup) {
            // Untyped: length, then a code (SSL/GSS request or the startup message).
            if (buf.length - at < 8) break;
            const len = view.getInt32(0), code = view.getInt32(4);
            if (buf.length - at < len) break;
            at += len;
            if (code !== SSL_REQUEST && code !== GSS_REQUEST) startup = false;
            continue;
          }
          if (buf.length - at < 5) break;
          const type = buf[at], len = view.getInt32(1);
          if (buf.length - at < len + 1) break;
          if (type === 0x45 /* E */ || type === 0x51 /* Q */) {
            count++;
            inChunk++;
          }
          at += len + 1;
        }
        buf = buf.slice(at);
        if (inChunk) batches.push(inChunk);
      }
    } catch { /* a side closed */ }
    try {
      await writer.close();
    } catch { /* closed */ }
  };
  (async () => {
    try {
      for await (const conn of listener) serve(conn);
    } catch { /* closed */ }
  })();
  const url = new URL(databaseUrl);
  url.hostname = "127.0.0.1";
  url.port = String((listener.addr as Deno.NetAddr).port);
  return {
    url: url.href,
    statements: () => count,
    batches: () => [...batches],
    reset: () => {
      count = 0;
      batches = [];
    },
    close: () => listener.close(),
  };
}
