/** Shared steps of the admin console tests. */
import type { TestApp } from "../helpers/app.ts";
import type { Session } from "../helpers/session.ts";

/** The page's HTML (asserting nothing). */
export async function html(res: Response): Promise<string> {
  return await res.text();
}

/** The audit rows about a user, oldest first. */
export async function auditAbout(t: TestApp, userId: string) {
  return await t.services.db.selectFrom("audit_log").selectAll()
    .where("target_user_id", "=", userId).orderBy("id").execute();
}

/** Whether the session's cookie still opens a signed-in page. */
export async function signedIn(t: TestApp, s: Session): Promise<boolean> {
  const res = await t.fetch("/settings", { headers: s.headers() });
  await res.body?.cancel();
  return res.status === 200;
}

/** POST forms on a page other than the header's sign-out (moderators must see none). */
export function postForms(page: string): number {
  return (page.match(/<form[^>]*method="post"[^>]*>/g) ?? [])
    .filter((f) => !f.includes('action="/logout"')).length;
}
