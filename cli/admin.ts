/**
 * `gafus admin …`: commands for administrators. Each area keeps its
 * commands in its own module; `adminCommands` is the one list of them.
 *
 * Run in the `gafus` process, a command that needs the database or KV goes
 * to the running server when one holds the data directory (cli/channel.ts);
 * the server runs the same list through `runAdmin` with its own IO.
 */
import { type Command, dispatch, noPositionals, UsageError } from "./mod.ts";
import type { CliIO } from "./io.ts";
import { consoleIO } from "./services.ts";
import { userCommands } from "./users.ts";
import { queueCommands } from "./queues.ts";
import { errorCommands } from "./errors.ts";
import { exportCommands } from "./export.ts";
import { migrateToLatest } from "@/db/migrate.ts";
import { seedDemo } from "@/core/demo/seed.ts";
import { invalidateCourses } from "@/core/courses/cache.ts";

export const migrateCommand: Command = {
  name: "migrate",
  summary: "Apply database migrations that have not run yet",
  usage: "",
  options: {},
  forward: true,
  async run(args, io) {
    noPositionals(args);
    return await io.withServices(async (s) => {
      // openServices already migrates; report what the database is at.
      const { applied } = await migrateToLatest(s.db);
      io.out(applied.length ? `Applied: ${applied.join(", ")}` : "The database is up to date.");
      return 0;
    });
  },
};

export const seedCommand: Command = {
  name: "seed",
  summary: "Create demo data: admin, trainer, learner, courses, a pet (once)",
  usage: "--demo",
  options: { demo: { type: "boolean" } },
  help: "Passwords of the demo users are printed once. Running it again changes nothing.",
  forward: true,
  async run(args, io) {
    noPositionals(args);
    if (!args.values.demo) throw new UsageError("say --demo to create the demo data");
    return await io.withServices(async (s) => {
      const res = await seedDemo(s.db, { print: io.out });
      if (!res.created) io.out("Demo data is already there; nothing changed.");
      // Inside a running server: its catalogue cache must see the new courses.
      else invalidateCourses(s);
      return 0;
    });
  },
};

export const adminCommands: Command[] = [
  ...userCommands,
  ...queueCommands,
  ...errorCommands,
  ...exportCommands,
  migrateCommand,
  seedCommand,
];

export function runAdmin(argv: string[], io: CliIO = consoleIO): Promise<number> {
  return dispatch("admin ", "gafus admin — administration commands", adminCommands, argv, io);
}
