/**
 * What the parts of the PostgreSQL job runtime share (like queues/shared.ts
 * for KV): the store, the engine, the clock, the definitions, settings and
 * this runtime's identity and life.
 */
import type { QueueName } from "../define.ts";
import type { CommonShared } from "../shared.ts";
import type { Engine } from "./engine.ts";
import type { PgStore } from "./store.ts";

export interface PgSettings {
  heartbeatMs: number;
  /** Shown as stalled on the status page after this long without a heartbeat. */
  stalledAfterMs: number;
  /** Taken over by another instance after this long without a heartbeat. */
  takeoverAfterMs: number;
  housekeepingMs: number;
  timeoutGraceMs: number;
  retention(): { doneDays: number; failedDays: number };
}

export interface PgShared extends CommonShared {
  readonly store: PgStore;
  readonly engine: Engine;
  readonly settings: PgSettings;
  /** Queues paused (read from the database, refreshed often). */
  readonly paused: Set<QueueName>;
}
