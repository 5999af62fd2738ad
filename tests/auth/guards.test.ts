import { assert, assertEquals, assertStringIncludes } from "../helpers/assert.ts";
import { openTestApp } from "../helpers/app.ts";
import { signIn } from "../helpers/session.ts";
import { FormClient, makeUser, PASSWORD } from "./helpers.ts";

Deno.test("ops: USER and TRAINER get 403; MODERATOR may read but not post; ADMIN may both", async () => {
  await using t = await openTestApp();
  const user = await signIn(t, "plain_user", "USER");
  const trainer = await signIn(t, "a_trainer", "TRAINER");
  const moderator = await signIn(t, "a_moderator", "MODERATOR");
  const admin = await signIn(t, "an_admin", "ADMIN");

  for (const s of [user, trainer]) {
    const res = await s.fetch("/ops");
    assertEquals(res.status, 403, s.username);
    assertStringIncludes(await res.text(), "Доступ запрещён");
    assertEquals((await s.post("/ops", {})).status, 403);
  }
  const look = await moderator.fetch("/ops");
  assertEquals(look.status, 200, "moderators may look");
  await look.body?.cancel();
  assertEquals((await moderator.fetch("/ops", { method: "HEAD" })).status, 200);
  assertEquals((await moderator.post("/ops", {})).status, 403, "moderators cannot act");
  assertEquals(
    (await moderator.fetch("/ops", { method: "DELETE" })).status,
    403,
    "no unsafe method passes",
  );
  assertEquals((await admin.fetch("/ops")).status, 200);
  // Admins pass the guard (the page itself may then not take a POST: 405).
  const adminPost = await admin.post("/ops", {});
  assert(adminPost.status !== 403 && adminPost.status !== 303, `admin POST: ${adminPost.status}`);
});

Deno.test("studio: USER gets 403; TRAINER, MODERATOR and ADMIN get in", async () => {
  await using t = await openTestApp();
  assertEquals((await (await signIn(t, "learner1", "USER")).fetch("/studio")).status, 403);
  for (const role of ["TRAINER", "MODERATOR", "ADMIN"] as const) {
    const s = await signIn(t, `studio_${role.toLowerCase()}`, role);
    const res = await s.fetch("/studio");
    assertEquals(res.status, 200, role);
    assertStringIncludes(await res.text(), "<h1>Студия тренера</h1>");
  }
});

Deno.test("a visitor is sent to login with next, and comes back after signing in", async () => {
  await using t = await openTestApp();
  for (const path of ["/studio", "/ops", "/settings"]) {
    const res = await t.fetch(path);
    assertEquals(res.status, 303, path);
    assertEquals(res.headers.get("location"), `/login?next=${encodeURIComponent(path)}`);
  }
  await makeUser(t, "trainer_t", { role: "TRAINER" });
  const c = new FormClient(t);
  const first = await c.fetch("/studio?tab=drafts");
  const location = first.headers.get("location")!;
  assertEquals(location, "/login?next=%2Fstudio%3Ftab%3Ddrafts");
  const next = new URL(location, "http://x").searchParams.get("next")!;
  const login = await c.submit(location, "/login", {
    login: "trainer_t",
    password: PASSWORD,
    next,
  });
  assertEquals(login.status, 303);
  assertEquals(login.headers.get("location"), "/studio?tab=drafts");
  assertEquals((await c.fetch("/studio?tab=drafts")).status, 200);
});

Deno.test("role changes apply on the next request (the guard reads the current role)", async () => {
  await using t = await openTestApp();
  const s = await signIn(t, "promoted", "USER");
  assertEquals((await s.fetch("/studio")).status, 403);
  await t.services.db.updateTable("users").set({ role: "TRAINER" }).where("id", "=", s.id)
    .execute();
  assertEquals((await s.fetch("/studio")).status, 200);
  await t.services.db.updateTable("users").set({ role: "USER" }).where("id", "=", s.id).execute();
  assertEquals((await s.fetch("/studio")).status, 403);
});
