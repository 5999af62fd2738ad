/** Learners with a time zone, and the reminders they were sent, for the reminder tests. */
import type { TestApp } from "../helpers/app.ts";
import { createUser } from "@/core/users.ts";
import { TEST_PASSWORD } from "../helpers/session.ts";

export async function learner(t: TestApp, username: string, timeZone: string): Promise<string> {
  const u = await createUser(t.services, { username, password: TEST_PASSWORD });
  await t.services.db.updateTable("users").set({ time_zone: timeZone }).where("id", "=", u.id)
    .execute();
  return u.id;
}

/** The training reminders a user was sent (in-app rows), oldest first. */
export async function remindersSent(t: TestApp, userId: string) {
  return await t.services.db.selectFrom("notifications").select(["title", "url", "created_at"])
    .where("user_id", "=", userId).where("kind", "=", "training.reminder")
    .orderBy("created_at").execute();
}

/** An instant from an ISO string (reads better in the tests than `new Date`). */
export const at = (iso: string): Date => new Date(iso);
