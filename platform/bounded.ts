/**
 * Waits for a shutdown step at most `ms`: a step that never ends (a pool
 * waiting for a connection nobody releases, a runner waiting for a task)
 * is logged and left behind, so stopping an instance always finishes.
 */
import { log } from "./log.ts";

export async function bounded(what: string, step: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<"late">((r) => timer = setTimeout(() => r("late"), ms));
  try {
    const out = await Promise.race([step.then(() => "done" as const), late]);
    if (out === "late") log.warn("shutdown step did not finish in time; left behind", { what, ms });
    return out === "done";
  } finally {
    clearTimeout(timer);
  }
}
