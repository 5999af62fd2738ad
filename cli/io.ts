/**
 * What a command talks to: its output (aligned tables for people, JSON for
 * scripts), export files, a progress bar, and the app's services.
 *
 * Commands never open services or files themselves. In the `gafus` process
 * (`consoleIO`) services are opened for the command, or — when a server holds
 * the data directory — the whole command is handed to that server through
 * the admin channel (cli/channel.ts), where it runs with the server's own
 * services and sends its output back.
 */
import type { Services } from "@/core/services.ts";

/** Where an export goes: a file or standard output. */
export interface OutputSink {
  write(text: string): Promise<void>;
  close(): Promise<void>;
}

export interface CliIO {
  /** One line of standard output. */
  out(line: string): void;
  /** One line of standard error. */
  err(line: string): void;
  /**
   * The destination of an export: the file `path` (relative to the user's
   * working directory) or standard output when `path` is undefined.
   */
  output(path?: string): Promise<OutputSink>;
  /** Draws a progress bar on the user's terminal; nothing when stderr is not a terminal. */
  progress(done: number, total: number): void;
  /** Runs `fn` with the app's services (opened for this command, or the server's own). */
  withServices<T>(fn: (s: Services) => Promise<T>): Promise<T>;
  /**
   * Set only in the `gafus` process: hands `argv` to a running server and
   * resolves to the exit code, or to null when no server holds the data
   * directory (the command then runs here).
   */
  forward?(argv: string[]): Promise<number | null>;
}

function cell(v: unknown): string {
  if (v === null || v === undefined) return "";
  if (v instanceof Date) return v.toISOString().replace("T", " ").slice(0, 19);
  return String(v);
}

/** Renders rows as an aligned text table with a header line. */
export function table(rows: Record<string, unknown>[], columns?: string[]): string {
  const cols = columns ?? (rows[0] ? Object.keys(rows[0]) : []);
  if (!rows.length) return "(none)";
  const widths = cols.map((c) => Math.max(c.length, ...rows.map((r) => cell(r[c]).length)));
  const line = (vals: string[]) => vals.map((v, i) => v.padEnd(widths[i])).join("  ").trimEnd();
  return [
    line(cols.map((c) => c.toUpperCase())),
    line(widths.map((w) => "-".repeat(w))),
    ...rows.map((r) => line(cols.map((c) => cell(r[c])))),
  ].join("\n");
}

/** "Key: value" lines for one record, keys aligned. */
export function details(pairs: [string, unknown][]): string {
  const width = Math.max(...pairs.map(([k]) => k.length));
  return pairs.map(([k, v]) => `${(k + ":").padEnd(width + 1)} ${cell(v)}`).join("\n");
}

/** `[#########           ]  45%  450/1000` for a terminal line. */
export function progressLine(done: number, total: number, width = 30): string {
  const ratio = total > 0 ? Math.min(1, done / total) : 1;
  const filled = Math.round(ratio * width);
  const pct = String(Math.round(ratio * 100)).padStart(3);
  return `[${"#".repeat(filled)}${" ".repeat(width - filled)}] ${pct}%  ${done}/${total}`;
}

/**
 * A progress drawer for stderr when it is a terminal: redraws at most every
 * 80 ms and ends the line when done reaches total.
 */
export function terminalProgress(
  isTerminal: () => boolean,
): (done: number, total: number) => void {
  let last = 0;
  let open = false;
  const enc = new TextEncoder();
  return (done, total) => {
    if (!isTerminal()) return;
    const now = performance.now();
    const finished = done >= total;
    if (!finished && now - last < 80) return;
    last = now;
    const text = `\r${progressLine(done, total)}${finished ? "\n" : ""}`;
    if (finished && !open) return;
    open = !finished;
    Deno.stderr.writeSync(enc.encode(text));
  };
}

function writeAllSync(file: { writeSync(p: Uint8Array): number }, bytes: Uint8Array) {
  let n = 0;
  while (n < bytes.length) n += file.writeSync(bytes.subarray(n));
}

/** An output sink for a file (created or truncated, mode 0600) or stdout. */
export async function openOutput(path?: string): Promise<OutputSink> {
  const enc = new TextEncoder();
  if (path === undefined || path === "-") {
    return {
      write: (text) => Promise.resolve(writeAllSync(Deno.stdout, enc.encode(text))),
      close: () => Promise.resolve(),
    };
  }
  // Exports hold personal data: readable by the owner only.
  const file = await Deno.open(path, { write: true, create: true, truncate: true, mode: 0o600 });
  const writer = file.writable.getWriter();
  return {
    write: (text) => writer.write(enc.encode(text)),
    close: () => writer.close(),
  };
}
