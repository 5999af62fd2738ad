/**
 * The command line: `serve` (default), `migrate`, `seed`, and `admin …`.
 * Every command has `--help`; bad usage exits with code 2 and says what is
 * wrong; a failure exits with 1.
 */
import { parseArgs, type ParseArgsConfig } from "node:util";
import type { CliIO } from "./io.ts";
import { consoleIO } from "./services.ts";
import { ConfigError } from "@/platform/config.ts";

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

export type Options = NonNullable<ParseArgsConfig["options"]>;

export interface Command {
  name: string;
  summary: string;
  /** Usage line after the command name, e.g. `--username NAME --password PW [--role ROLE]`. */
  usage: string;
  options: Options;
  /** Extra help text (descriptions of options, examples). */
  help?: string;
  /**
   * Runs inside a server that holds the data directory, when one does (every
   * command that touches the database or KV). Help and bad options are still
   * answered here.
   */
  forward?: boolean;
  run(args: ParsedArgs, io: CliIO): Promise<number>;
}

export interface ParsedArgs {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

const helpOption: Options = { help: { type: "boolean", short: "h" } };

export function parseCommandArgs(cmd: Command, argv: string[]): ParsedArgs {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      options: { ...cmd.options, ...helpOption },
      allowPositionals: true,
      strict: true,
    });
    return { values: values as ParsedArgs["values"], positionals };
  } catch (err) {
    const message = (err as Error).message;
    // node:util words it "Option '--x' argument is ambiguous" for a value starting with "-".
    const ambiguous = /Option '(--[\w-]+)[^']*' argument is ambiguous/.exec(message);
    if (ambiguous) {
      throw new UsageError(
        `${ambiguous[1]} needs a value (write ${ambiguous[1]}=VALUE for one that starts with -)`,
      );
    }
    throw new UsageError(message.replace(/^.*?:\s*/, "").split(". To specify")[0].split("\n")[0]);
  }
}

export function commandHelp(prefix: string, cmd: Command): string {
  return [
    `Usage: gafus ${prefix}${cmd.name}${cmd.usage ? " " + cmd.usage : ""}`,
    "",
    cmd.summary,
    ...(cmd.help ? ["", cmd.help] : []),
  ].join("\n");
}

export function groupHelp(title: string, prefix: string, commands: Command[]): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    title,
    "",
    "Commands:",
    ...commands.map((c) => `  ${prefix}${c.name.padEnd(width)}  ${c.summary}`),
    "",
    `Run 'gafus ${prefix}<command> --help' for the options of one command.`,
  ].join("\n");
}

/** Runs one command of `commands` from `argv`; returns the exit code. */
export async function dispatch(
  prefix: string,
  title: string,
  commands: Command[],
  argv: string[],
  io: CliIO = consoleIO,
): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "-h" || name === "help") {
    io.out(groupHelp(title, prefix, commands));
    return name ? 0 : 2;
  }
  const cmd = commands.find((c) => c.name === name);
  if (!cmd) {
    io.err(`Unknown command '${prefix}${name}'.`);
    io.err(groupHelp(title, prefix, commands));
    return 2;
  }
  try {
    const args = parseCommandArgs(cmd, rest);
    if (args.values.help) {
      io.out(commandHelp(prefix, cmd));
      return 0;
    }
    if (cmd.forward && io.forward) {
      const code = await io.forward([cmd.name, ...rest]);
      if (code !== null) return code;
    }
    return await cmd.run(args, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`gafus ${prefix}${cmd.name}: ${err.message}`);
      io.err(commandHelp(prefix, cmd));
      return 2;
    }
    if (err instanceof ConfigError) {
      io.err(err.message);
      return 1;
    }
    io.err(`gafus ${prefix}${cmd.name}: ${(err as Error).message ?? err}`);
    return 1;
  }
}

/** A required string option; throws a UsageError naming it when absent. */
export function required(args: ParsedArgs, name: string): string {
  const v = args.values[name];
  if (typeof v !== "string" || v === "") throw new UsageError(`--${name} is required`);
  return v;
}

export function noPositionals(args: ParsedArgs) {
  if (args.positionals.length) {
    throw new UsageError(`unexpected argument '${args.positionals[0]}'`);
  }
}

/** A string option, or undefined when it was not given. */
export function optional(args: ParsedArgs, name: string): string | undefined {
  const v = args.values[name];
  return typeof v === "string" ? v : undefined;
}

/** A whole-number option within bounds (the default when absent). */
export function intOption(
  args: ParsedArgs,
  name: string,
  def: number,
  min: number,
  max: number,
): number {
  const v = optional(args, name);
  if (v === undefined) return def;
  const n = /^\d+$/.test(v) ? Number(v) : NaN;
  if (!(n >= min && n <= max)) {
    throw new UsageError(`--${name} must be a whole number from ${min} to ${max}`);
  }
  return n;
}

/** An option restricted to a list of values; undefined when absent. */
export function oneOf<T extends string>(
  args: ParsedArgs,
  name: string,
  allowed: readonly T[],
): T | undefined {
  const v = optional(args, name);
  if (v === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(v)) {
    throw new UsageError(`--${name} must be one of ${allowed.join(", ")}`);
  }
  return v as T;
}

/** Exactly one positional argument (`what` names it in the message). */
export function onePositional(args: ParsedArgs, what: string): string {
  if (args.positionals.length === 0) throw new UsageError(`say which ${what}`);
  if (args.positionals.length > 1) {
    throw new UsageError(`unexpected argument '${args.positionals[1]}'`);
  }
  return args.positionals[0];
}
