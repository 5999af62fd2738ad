/** `gafus admin export:*`: users and course progress as CSV or JSON. */
import { type Command, noPositionals, oneOf, optional, required } from "./mod.ts";
import type { CliIO } from "./io.ts";
import { csvLine, type Export, exportCourseProgress, exportUsers } from "@/core/exports.ts";
import { SYSTEM } from "@/core/auth/guards.ts";
import { NotFoundError } from "@/core/auth/guards.ts";

const FORMATS = ["csv", "json"] as const;
type Format = typeof FORMATS[number];

const OUTPUT_HELP = [
  "--format csv (default) or json; --out FILE writes a file (mode 0600), else standard output.",
  "A progress bar is drawn on standard error when it is a terminal.",
].join("\n");

/** Streams an export to the sink, batch by batch, with progress. Returns the row count. */
async function writeExport(
  io: CliIO,
  data: Export,
  format: Format,
  path: string | undefined,
): Promise<number> {
  const sink = await io.output(path);
  let done = 0;
  try {
    io.progress(0, data.total);
    if (format === "csv") await sink.write(csvLine(data.columns));
    else await sink.write("[");
    for await (const batch of data.rows()) {
      if (format === "csv") {
        await sink.write(batch.map((r) => csvLine(data.columns.map((c) => r[c] ?? null))).join(""));
      } else {
        const parts = batch.map((r, i) => (done + i ? ",\n" : "\n") + JSON.stringify(r));
        await sink.write(parts.join(""));
      }
      done += batch.length;
      io.progress(Math.min(done, data.total), Math.max(done, data.total));
    }
    if (format === "json") await sink.write(done ? "\n]\n" : "]\n");
    io.progress(done, done);
  } finally {
    await sink.close();
  }
  return done;
}

const exportUsersCommand: Command = {
  name: "export:users",
  summary: "Export every user (no passwords) as CSV or JSON",
  usage: "[--format csv|json] [--out FILE]",
  options: { format: { type: "string" }, out: { type: "string" } },
  help: OUTPUT_HELP,
  forward: true,
  async run(args, io) {
    noPositionals(args);
    const format = oneOf(args, "format", FORMATS) ?? "csv";
    const out = optional(args, "out");
    return await io.withServices(async (s) => {
      const n = await writeExport(io, await exportUsers(s, SYSTEM), format, out);
      if (out) io.err(`Wrote ${n} user(s) to ${out}.`);
      return 0;
    });
  },
};

const exportProgress: Command = {
  name: "export:progress",
  summary: "Export the progress of every learner of one course as CSV or JSON",
  usage: "--course SLUG [--format csv|json] [--out FILE]",
  options: { course: { type: "string" }, format: { type: "string" }, out: { type: "string" } },
  help: OUTPUT_HELP +
    "\nOne row per learner: status, dates, days and steps completed out of the course's current total.",
  forward: true,
  async run(args, io) {
    noPositionals(args);
    const slug = required(args, "course");
    const format = oneOf(args, "format", FORMATS) ?? "csv";
    const out = optional(args, "out");
    return await io.withServices(async (s) => {
      let data;
      try {
        data = await exportCourseProgress(s, SYSTEM, slug);
      } catch (err) {
        if (err instanceof NotFoundError) {
          io.err(`gafus admin export:progress: no course with the slug '${slug}'`);
          return 1;
        }
        throw err;
      }
      const n = await writeExport(io, data, format, out);
      if (out) io.err(`Wrote ${n} learner(s) of ${data.course.slug} to ${out}.`);
      return 0;
    });
  },
};

export const exportCommands: Command[] = [exportUsersCommand, exportProgress];
