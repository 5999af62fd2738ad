/**
 * Gafus entry point and command line.
 *
 *   gafus [serve]            run the web app (default)
 *   gafus migrate            apply database migrations
 *   gafus seed --demo        create demo data once
 *   gafus admin <command>    administration (users, …)
 */
import { type Command, dispatch, noPositionals } from "./cli/mod.ts";
import { migrateCommand, runAdmin, seedCommand } from "./cli/admin.ts";
import { loadConfig } from "./platform/config.ts";
import { configureLog, flushLog } from "./platform/log.ts";

const serveCommand: Command = {
  name: "serve",
  summary: "Run the web server (PORT, DATA_DIR, DATABASE_URL… from the environment)",
  usage: "",
  options: {},
  help: "Configuration comes from environment variables; see README.md for the list.",
  async run(args) {
    noPositionals(args);
    const config = await loadConfig();
    configureLog({ level: config.logLevel });
    const { startServer } = await import("./server.ts");
    await startServer(config);
    // Keep running until a signal; Deno.serve holds the event loop open.
    return await new Promise<number>(() => {});
  },
};

const adminCommand: Command = {
  name: "admin",
  summary: "Administration commands (run 'gafus admin --help')",
  usage: "<command> [options]",
  options: {},
  run: () => Promise.resolve(0),
};

const commands: Command[] = [serveCommand, migrateCommand, seedCommand, adminCommand];

export async function main(argv: string[]): Promise<number> {
  if (argv.length === 0) argv = ["serve"];
  if (argv[0] === "admin") return await runAdmin(argv.slice(1));
  return await dispatch("", "gafus — dog training courses, step by step", commands, argv);
}

if (import.meta.main) {
  const code = await main(Deno.args);
  flushLog();
  Deno.exit(code);
}
