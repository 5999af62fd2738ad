/**
 * Every periodic schedule, in one place. Times are wall-clock in
 * `config.cronTimeZone` (Europe/Moscow by default); `Deno.cron` runs in UTC,
 * so each line is converted (queues/cron_tz.ts). A schedule does no work
 * itself: it enqueues its job, so every run shows on the status page with
 * its attempts and errors. The job's dedupeKey is the schedule and minute,
 * so a tick seen twice (e.g. while re-registering) enqueues once.
 *
 * **Append point:** one entry in `SCHEDULES` per schedule.
 */
import type { Services } from "@/core/services.ts";
import { log } from "@/platform/log.ts";
import { reportError } from "@/core/error_tracking.ts";
import { toUtcCron, zoneOffsetMinutes } from "@/platform/cron_tz.ts";
import type { JobMap, JobName } from "./jobs/mod.ts";
import type { EnqueueOptions } from "./types.ts";

/** A schedule for the job `N`: its payload is type-checked against the job's schema. */
export interface ScheduleOf<N extends JobName> {
  /** Letters, digits, "-" and "_" (it names the Deno.cron too). */
  name: string;
  /** 5-field cron, wall-clock time in config.cronTimeZone. */
  cron: string;
  job: N;
  payload: JobMap[N];
}

export type Schedule = { [N in JobName]: ScheduleOf<N> }[JobName];

/** Enqueues a schedule's job (generic in the name, so the payload matches it). */
function enqueueScheduled<N extends JobName>(
  jobs: Services["jobs"],
  s: ScheduleOf<N>,
  opts: EnqueueOptions,
): Promise<string> {
  return jobs.enqueue(s.job, s.payload, opts);
}

export const SCHEDULES: Schedule[] = [
  // A quiet hour for users in Russia.
  { name: "maintenance", cron: "30 4 * * *", job: "maintenance", payload: {} },
  { name: "jobs-sweep", cron: "*/10 * * * *", job: "jobs-sweep", payload: {} },
  // After maintenance, also in the quiet hour.
  { name: "exam-cleanup", cron: "0 5 * * *", job: "exam-cleanup", payload: {} },
  // Each learner's local minute is worked out by the job (core/reminders/due.ts).
  { name: "reminders", cron: "* * * * *", job: "reminders", payload: {} },
  // Re-engagement messages in the morning, when people plan their day (the original: 08:00).
  { name: "reengagement", cron: "0 10 * * *", job: "reengagement", payload: {} },
  // Two failures in a row raise one operator alert (core/readiness.ts).
  { name: "ready-check", cron: "* * * * *", job: "ready-check", payload: {} },
];

type CronFn = (
  name: string,
  schedule: string,
  options: { signal?: AbortSignal; backoffSchedule?: number[] },
  handler: () => Promise<void>,
) => Promise<void> | void;

export interface CronOptions {
  schedules?: Schedule[];
  /** Defaults to `Deno.cron` (tests pass a recorder). */
  cron?: CronFn;
  /** How often to look for a change of the zone's UTC offset (summer time). */
  recheckMs?: number;
  now?: () => Date;
}

export interface CronHandle {
  /** The UTC lines registered now, by schedule name. */
  registered(): Record<string, string[]>;
  /** Runs one schedule's tick now (tests, `admin jobs run-schedule`). */
  tick(name: string): Promise<string>;
  stop(): void;
}

let instances = 0;

/** Registers every schedule with Deno.cron; re-registers when the zone's offset changes. */
export function startCron(services: Services, opts: CronOptions = {}): CronHandle {
  const schedules = opts.schedules ?? SCHEDULES;
  const tz = services.config.cronTimeZone;
  const now = opts.now ?? (() => new Date());
  const cron: CronFn = opts.cron ??
    ((name, schedule, o, handler) => Deno.cron(name, schedule, o, handler));
  const names = new Set<string>();
  for (const s of schedules) {
    if (!/^[A-Za-z0-9_-]{1,40}$/.test(s.name) || names.has(s.name)) {
      throw new Error(`cron schedule name "${s.name}" is invalid or repeated`);
    }
    names.add(s.name);
  }

  const tick = async (s: Schedule): Promise<string> => {
    const minute = Math.floor(now().getTime() / 60_000);
    const id = await enqueueScheduled(services.jobs, s, {
      dedupeKey: `cron:${s.name}:${minute}`,
    });
    log.info("cron tick", { schedule: s.name, job: s.job, id });
    return id;
  };

  const instance = ++instances;
  let generation = 0;
  let controller: AbortController | null = null;
  let current: Record<string, string[]> = {};
  let offset = zoneOffsetMinutes(tz, now());

  const register = () => {
    controller?.abort();
    const ctl = new AbortController();
    controller = ctl;
    generation++;
    const at = now();
    offset = zoneOffsetMinutes(tz, at);
    current = {};
    for (const s of schedules) {
      const lines = toUtcCron(s.cron, tz, at);
      current[s.name] = lines;
      lines.forEach((line, i) => {
        const run = () =>
          tick(s).then(() => {}, async (err) => {
            log.error("cron tick failed", { schedule: s.name, err });
            await reportError(services, {
              source: "cron",
              error: err,
              context: { schedule: s.name },
            });
            throw err; // Deno.cron retries by its backoff
          });
        // Unique per handle and generation: Deno.cron names must not repeat in a process.
        Promise.resolve(cron(`${s.name}_${instance}_${generation}_${i}`, line, {
          signal: ctl.signal,
          backoffSchedule: [1_000, 10_000, 60_000],
        }, run)).catch((err) => log.error("cron ended", { schedule: s.name, err }));
      });
    }
    log.info("cron registered", { timeZone: tz, offsetMinutes: offset, schedules: current });
  };
  register();

  // Zones with summer time change their offset twice a year.
  const recheck = setInterval(() => {
    try {
      if (zoneOffsetMinutes(tz, now()) !== offset) register();
    } catch (err) {
      log.error("cron re-registration failed", { err });
    }
  }, opts.recheckMs ?? 15 * 60_000);
  Deno.unrefTimer(recheck);

  return {
    registered: () => structuredClone(current),
    tick: (name) => {
      const s = schedules.find((x) => x.name === name);
      if (!s) throw new Error(`no schedule "${name}"`);
      return tick(s);
    },
    stop() {
      clearInterval(recheck);
      controller?.abort();
    },
  };
}
