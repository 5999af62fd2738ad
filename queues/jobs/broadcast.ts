/**
 * `broadcast`: sends a confirmed broadcast to its recipients in batches
 * (core/broadcasts.ts). Safe to run again or twice at once: it resumes at
 * the stored cursor, and each recipient is recorded with their notification
 * in the batch's transaction. The sweeper restarts broadcasts whose job was
 * lost (a crash between confirming and enqueueing, retries used up).
 */
import { z } from "zod";
import { defineJob } from "../define.ts";
import { runBroadcast, sweepBroadcasts } from "@/core/broadcasts.ts";

export const broadcastSchema = z.object({ broadcastId: z.string().min(1).max(64) }).strict();

export default defineJob({
  name: "broadcast",
  queue: "notifications",
  schema: broadcastSchema,
  retry: [10_000, 60_000, 300_000],
  timeoutMs: 60 * 60_000,
  async handler(payload, ctx) {
    return await runBroadcast(ctx.services, payload.broadcastId, {
      signal: ctx.signal,
      progress: (pct) => ctx.progress(pct),
    });
  },
  sweep: (services) => sweepBroadcasts(services),
});
