/**
 * A job's payload checked against its definition's schema: at enqueue (so a
 * bad payload is refused before it is stored) and again when the job runs (a
 * record written by an older release may not fit today's schema).
 */
import type { ResolvedJob } from "./define.ts";
import { InvalidJobPayloadError } from "./types.ts";

/** The payload as the job's schema parses it; throws InvalidJobPayloadError. */
export function parsePayload(def: ResolvedJob, payload: unknown): unknown {
  const parsed = def.schema.safeParse(payload);
  if (parsed.success) return parsed.data;
  throw new InvalidJobPayloadError(
    def.name,
    parsed.error.issues.map((i) => ({ path: i.path.map(String).join("."), message: i.message })),
  );
}
