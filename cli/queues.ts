/** `gafus admin queue:*`: the job queues (the same data and actions as /ops/queues). */
import { type Command, intOption, noPositionals, oneOf, optional, UsageError } from "./mod.ts";
import { details, table } from "./io.ts";
import {
  CLEANABLE_STATES,
  getJob,
  jobAction,
  listJobs,
  queueAction,
  queueStats,
  RETRYABLE_STATES,
} from "@/core/ops.ts";
import { SYSTEM } from "@/core/auth/guards.ts";
import { NotFoundError } from "@/core/auth/guards.ts";
import { QUEUE_NAMES } from "@/queues/define.ts";
import { JOB_STATES, type JobInfo } from "@/queues/types.ts";

/** "1.2 s", "3 min", "2 h" for a latency or duration. */
export function humanMs(ms: number | null): string {
  if (ms === null) return "";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms < 3600_000) return `${Math.round(ms / 60_000)} min`;
  if (ms < 86400_000) return `${(ms / 3600_000).toFixed(1)} h`;
  return `${(ms / 86400_000).toFixed(1)} d`;
}

const queueStatsCommand: Command = {
  name: "queue:stats",
  summary: "Jobs per queue and state, latency, done and failed in the last hour",
  usage: "[--queue QUEUE] [--json]",
  options: { queue: { type: "string" }, json: { type: "boolean" } },
  help: `Queues: ${QUEUE_NAMES.join(", ")}.`,
  forward: true,
  async run(args, io) {
    noPositionals(args);
    const queue = oneOf(args, "queue", QUEUE_NAMES);
    return await io.withServices(async (s) => {
      const stats = await queueStats(s, SYSTEM);
      const queues = stats.queues.filter((q) => !queue || q.queue === queue);
      if (args.values.json) {
        io.out(JSON.stringify(queue ? { at: stats.at, queues } : stats));
        return 0;
      }
      io.out(table(queues.map((q) => ({
        queue: q.queue + (q.paused ? " (paused)" : ""),
        ...Object.fromEntries(JOB_STATES.map((st) => [st, q.counts[st] ?? 0])),
        latency: q.latencyMs ? humanMs(q.latencyMs) : "-",
        "done 1h": q.doneLastHour,
        "failed 1h": q.failedLastHour,
      }))));
      return 0;
    });
  },
};

function jobRow(j: JobInfo) {
  return {
    id: j.id,
    queue: j.queue,
    job: j.name,
    state: j.state,
    attempts: `${j.attempts}/${j.maxAttempts}`,
    created: j.createdAt,
    "last error": j.lastError ? j.lastError.message.split("\n")[0].slice(0, 60) : "",
  };
}

const queueList: Command = {
  name: "queue:list",
  summary: "List jobs of one state (oldest first for waiting ones, newest first otherwise)",
  usage: "--state STATE [--queue QUEUE] [--limit N] [--cursor CURSOR] [--json]",
  options: {
    state: { type: "string" },
    queue: { type: "string" },
    limit: { type: "string" },
    cursor: { type: "string" },
    json: { type: "boolean" },
  },
  help: `States: ${JOB_STATES.join(", ")}. The last line gives the --cursor of the next page.`,
  forward: true,
  async run(args, io) {
    noPositionals(args);
    const state = oneOf(args, "state", JOB_STATES);
    if (!state) throw new UsageError("--state is required");
    const queue = oneOf(args, "queue", QUEUE_NAMES);
    const limit = intOption(args, "limit", 50, 1, 200);
    return await io.withServices(async (s) => {
      const page = await listJobs(s, SYSTEM, {
        state,
        queue,
        limit,
        cursor: optional(args, "cursor"),
      });
      if (args.values.json) {
        io.out(JSON.stringify(page));
        return 0;
      }
      io.out(table(page.jobs.map(jobRow)));
      if (page.cursor) io.out(`More: --cursor ${page.cursor}`);
      return 0;
    });
  },
};

const queueRetry: Command = {
  name: "queue:retry",
  summary: "Retry one job, or every failed, dead or cancelled job (--all)",
  usage: "JOB_ID | --all --state failed|dead|cancelled [--queue QUEUE] [--json]",
  options: {
    all: { type: "boolean" },
    state: { type: "string" },
    queue: { type: "string" },
    json: { type: "boolean" },
  },
  help: "A delayed job retried by id runs now.",
  forward: true,
  async run(args, io) {
    const all = args.values.all === true;
    if (all && args.positionals.length) {
      throw new UsageError("give a JOB_ID or --all, not both");
    }
    if (!all) {
      if (args.positionals.length !== 1) throw new UsageError("say which job (JOB_ID) or --all");
      if (args.values.state !== undefined || args.values.queue !== undefined) {
        throw new UsageError("--state and --queue go with --all");
      }
      const id = args.positionals[0];
      return await io.withServices(async (s) => {
        try {
          const ok = await jobAction(s, SYSTEM, id, "retry");
          if (args.values.json) io.out(JSON.stringify({ id, retried: ok }));
          else if (ok) io.out(`Job ${id} queued again.`);
          else io.err(`gafus admin queue:retry: job ${id} cannot be retried in its state`);
          return ok ? 0 : 1;
        } catch (err) {
          if (err instanceof NotFoundError) {
            io.err(`gafus admin queue:retry: no job '${id}'`);
            return 1;
          }
          throw err;
        }
      });
    }
    const state = oneOf(args, "state", RETRYABLE_STATES);
    if (!state) throw new UsageError(`--all needs --state ${RETRYABLE_STATES.join("|")}`);
    const queue = oneOf(args, "queue", QUEUE_NAMES);
    return await io.withServices(async (s) => {
      const n = await queueAction(s, SYSTEM, { action: "retryAll", queue, state });
      io.out(
        args.values.json
          ? JSON.stringify({ retried: n })
          : `${n} ${state} job(s)${queue ? ` of ${queue}` : ""} queued again.`,
      );
      return 0;
    });
  },
};

const queuePurge: Command = {
  name: "queue:purge",
  summary: "Delete every job of a state (not active ones), asks for --yes",
  usage: "--state STATE [--queue QUEUE] --yes [--json]",
  options: {
    state: { type: "string" },
    queue: { type: "string" },
    yes: { type: "boolean" },
    json: { type: "boolean" },
  },
  help: `States: ${CLEANABLE_STATES.join(", ")}. Without --queue, every queue.`,
  forward: true,
  async run(args, io) {
    noPositionals(args);
    const state = oneOf(args, "state", CLEANABLE_STATES);
    if (!state) throw new UsageError("--state is required");
    const queue = oneOf(args, "queue", QUEUE_NAMES);
    if (!args.values.yes) throw new UsageError("deleting jobs cannot be undone: add --yes");
    return await io.withServices(async (s) => {
      const n = await queueAction(s, SYSTEM, { action: "clean", queue, state });
      io.out(
        args.values.json
          ? JSON.stringify({ deleted: n })
          : `Deleted ${n} ${state} job(s)${queue ? ` of ${queue}` : ""}.`,
      );
      return 0;
    });
  },
};

const queueShow: Command = {
  name: "queue:show",
  summary: "Show one job: payload, attempts, errors with stacks, timings",
  usage: "JOB_ID [--json]",
  options: { json: { type: "boolean" } },
  forward: true,
  async run(args, io) {
    if (args.positionals.length !== 1) throw new UsageError("say which job (JOB_ID)");
    const id = args.positionals[0];
    return await io.withServices(async (s) => {
      let j: JobInfo;
      try {
        j = await getJob(s, SYSTEM, id);
      } catch (err) {
        if (err instanceof NotFoundError) {
          io.err(`gafus admin queue:show: no job '${id}'`);
          return 1;
        }
        throw err;
      }
      if (args.values.json) {
        io.out(JSON.stringify(j));
        return 0;
      }
      io.out(details([
        ["id", j.id],
        ["job", `${j.name} (queue ${j.queue})`],
        ["state", j.state + (j.stalled ? " (stalled)" : "")],
        ["attempts", `${j.attempts} of ${j.maxAttempts}`],
        ["progress", j.progress === null ? "" : `${j.progress}%`],
        ["created", j.createdAt],
        ["run at", j.runAt],
        ["started", j.startedAt],
        ["finished", j.finishedAt],
        ["duration", humanMs(j.durationMs)],
        ["payload", JSON.stringify(j.payload)],
      ]));
      for (const e of j.errors) {
        io.out("");
        io.out(`attempt ${e.attempt}, ${e.kind}, ${e.at.toISOString()}: ${e.message}`);
        if (e.stack) io.out(e.stack);
      }
      return 0;
    });
  },
};

export const queueCommands: Command[] = [
  queueStatsCommand,
  queueList,
  queueShow,
  queueRetry,
  queuePurge,
];
