/**
 * Readiness: the database and the shared KV store (`services.kv`: Deno KV, or
 * the PostgreSQL table with `JOBS_BACKEND=postgres`) both answer within 2 s. `/ready`
 * answers with it; the `ready-check` job (every minute) turns a failing
 * readiness into one operator alert after two failures in a row, and one
 * "recovered" alert when it passes again (`trackReadiness`).
 */
import type { Services } from "./services.ts";
import { log } from "@/platform/log.ts";
import { opsQueuesPath } from "./paths.ts";

export interface PartCheck {
  ok: boolean;
  ms: number;
}

export interface Readiness {
  ok: boolean;
  database: PartCheck & { kind: string };
  /** `kind`: where `services.kv` lives ("deno-kv" or "postgres"). */
  kv: PartCheck & { kind: string };
}

const CHECK_TIMEOUT_MS = 2_000;

async function timed(check: () => Promise<unknown>): Promise<PartCheck> {
  const t0 = performance.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    await Promise.race([
      check(),
      new Promise((_, reject) =>
        timer = setTimeout(() => reject(new Error("timeout")), CHECK_TIMEOUT_MS)
      ),
    ]);
    return { ok: true, ms: Math.round(performance.now() - t0) };
  } catch (err) {
    log.warn("readiness check failed", { err });
    return { ok: false, ms: Math.round(performance.now() - t0) };
  } finally {
    clearTimeout(timer);
  }
}

export async function checkReadiness(s: Services): Promise<Readiness> {
  const [database, kv] = await Promise.all([
    timed(() => s.pingDb()),
    timed(() => s.kv.get(["health"])),
  ]);
  return {
    ok: database.ok && kv.ok,
    database: { kind: s.dbKind, ...database },
    kv: { kind: s.config.jobsBackend === "postgres" ? "postgres" : "deno-kv", ...kv },
  };
}

/** Failures in a row before an alert. */
export const READY_FAILURES_TO_ALERT = 2;

interface ReadyState {
  failures: number;
  alerted: boolean;
}

const STATE_KEY = ["ops_ready_state"];

/**
 * Records one readiness result and enqueues the alert it calls for: the
 * second failure in a row raises one (`ready` group), the first pass after
 * an alert one "recovered". Returns what it did.
 */
export async function trackReadiness(
  s: Services,
  r: Pick<Readiness, "ok" | "database" | "kv">,
  minute: string,
): Promise<"failing" | "recovered" | null> {
  const prev = (await s.kv.get<ReadyState>(STATE_KEY)).value ?? { failures: 0, alerted: false };
  if (r.ok) {
    await s.kv.set(STATE_KEY, { failures: 0, alerted: false } satisfies ReadyState);
    if (!prev.alerted) return null;
    await s.jobs.enqueue("ops-alert", {
      level: "info",
      title: "Service ready again: /ready passes",
      titleKey: "delivery.alert.readyRecovered",
      source: "ready",
      group: "ready:recovered",
      url: opsQueuesPath(),
    }, { dedupeKey: `ready-recovered:${minute}` });
    return "recovered";
  }
  const failures = prev.failures + 1;
  const alert = !prev.alerted && failures >= READY_FAILURES_TO_ALERT;
  await s.kv.set(STATE_KEY, { failures, alerted: prev.alerted || alert } satisfies ReadyState);
  if (!alert) return null;
  const parts = [
    `database ${r.database.ok ? "ok" : "failing"} (${r.database.kind}, ${r.database.ms} ms)`,
    `kv ${r.kv.ok ? "ok" : "failing"} (${r.kv.kind}, ${r.kv.ms} ms)`,
  ];
  await s.jobs.enqueue("ops-alert", {
    level: "critical",
    title: "Service not ready: /ready is failing",
    titleKey: "delivery.alert.readyFailing",
    message: parts.join("; "),
    source: "ready",
    group: "ready",
    url: opsQueuesPath(),
  }, { dedupeKey: `ready-failing:${minute}` });
  return "failing";
}
