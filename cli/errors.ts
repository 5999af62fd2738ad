/** `gafus admin errors:*`: tracked errors (the same data as /ops/errors). */
import { type Command, intOption, noPositionals, oneOf, optional, UsageError } from "./mod.ts";
import { details, table } from "./io.ts";
import {
  getErrorGroup,
  type GroupAction,
  listErrorGroups,
  setErrorGroupStatus,
} from "@/core/error_tracking.ts";
import { SYSTEM } from "@/core/auth/guards.ts";
import { NotFoundError } from "@/core/auth/guards.ts";
import { ERROR_GROUP_STATUSES, ERROR_SOURCES } from "@/db/schema.ts";

const errorsList: Command = {
  name: "errors:list",
  summary: "List error groups, most recently seen first",
  usage: "[--status STATUS] [--source SOURCE] [--search TEXT] [--limit N] [--json]",
  options: {
    status: { type: "string" },
    source: { type: "string" },
    search: { type: "string" },
    limit: { type: "string" },
    json: { type: "boolean" },
  },
  help: `Statuses: ${ERROR_GROUP_STATUSES.join(", ")}. Sources: ${ERROR_SOURCES.join(", ")}.`,
  forward: true,
  async run(args, io) {
    noPositionals(args);
    const status = oneOf(args, "status", ERROR_GROUP_STATUSES);
    const source = oneOf(args, "source", ERROR_SOURCES);
    const limit = intOption(args, "limit", 50, 1, 500);
    const q = optional(args, "search");
    if (q !== undefined && q.length > 200) {
      throw new UsageError("--search is at most 200 characters");
    }
    return await io.withServices(async (s) => {
      const r = await listErrorGroups(s, SYSTEM, { status, source, q, limit });
      if (args.values.json) {
        io.out(JSON.stringify(r));
        return 0;
      }
      io.out(table(r.groups.map((g) => ({
        id: g.id,
        status: g.status,
        source: g.source,
        count: g.count,
        "last seen": g.lastSeenAt,
        error: `${g.type}: ${g.message.split("\n")[0]}`.slice(0, 80),
      }))));
      if (r.total > r.groups.length) io.out(`${r.groups.length} of ${r.total} shown`);
      return 0;
    });
  },
};

const errorsShow: Command = {
  name: "errors:show",
  summary: "Show one error group with its latest occurrence and stack",
  usage: "GROUP_ID [--json]",
  options: { json: { type: "boolean" } },
  forward: true,
  async run(args, io) {
    if (args.positionals.length !== 1) throw new UsageError("say which group (GROUP_ID)");
    const id = args.positionals[0];
    return await io.withServices(async (s) => {
      try {
        const g = await getErrorGroup(s, SYSTEM, id, { reports: 5 });
        if (args.values.json) {
          io.out(JSON.stringify(g));
          return 0;
        }
        io.out(details([
          ["id", g.id],
          ["status", g.status],
          ["source", g.source],
          ["error", `${g.type}: ${g.message}`],
          ["where", g.topFrame ?? ""],
          ["count", g.count],
          ["first seen", g.firstSeenAt],
          ["last seen", g.lastSeenAt],
        ]));
        const last = g.reports[0];
        if (last) {
          io.out("");
          io.out(details([
            ["latest", last.occurredAt],
            ["url", last.url ?? ""],
            ["user", last.username ?? last.userId ?? ""],
            ["request", last.requestId ?? ""],
            ["release", last.release ?? ""],
          ]));
          if (last.stack) io.out(last.stack);
        }
        return 0;
      } catch (err) {
        if (err instanceof NotFoundError) {
          io.err(`gafus admin errors:show: no error group '${id}'`);
          return 1;
        }
        throw err;
      }
    });
  },
};

const errorsResolve: Command = {
  name: "errors:resolve",
  summary: "Mark an error group resolved (or --ignore it, or --reopen it)",
  usage: "GROUP_ID [--ignore | --reopen] [--json]",
  options: { ignore: { type: "boolean" }, reopen: { type: "boolean" }, json: { type: "boolean" } },
  help: "A resolved group that happens again is marked regressed.",
  forward: true,
  async run(args, io) {
    if (args.positionals.length !== 1) throw new UsageError("say which group (GROUP_ID)");
    if (args.values.ignore && args.values.reopen) {
      throw new UsageError("--ignore and --reopen exclude each other");
    }
    const id = args.positionals[0];
    const action: GroupAction = args.values.ignore
      ? "ignore"
      : args.values.reopen
      ? "reopen"
      : "resolve";
    return await io.withServices(async (s) => {
      try {
        const g = await setErrorGroupStatus(s, SYSTEM, id, action);
        io.out(args.values.json ? JSON.stringify(g) : `Error group ${g.id} is now ${g.status}.`);
        return 0;
      } catch (err) {
        if (err instanceof NotFoundError) {
          io.err(`gafus admin errors:resolve: no error group '${id}'`);
          return 1;
        }
        throw err;
      }
    });
  },
};

export const errorCommands: Command[] = [errorsList, errorsShow, errorsResolve];
