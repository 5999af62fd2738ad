import { assertEquals } from "../helpers/assert.ts";
import { openTestApp } from "../helpers/app.ts";
import { signIn } from "../helpers/session.ts";
import { seedDemo } from "@/core/demo/seed.ts";
import { makePng } from "../profile/fixtures.ts";

Deno.test("course logos are served to whoever may view the course, and to nobody else", async () => {
  await using t = await openTestApp();
  await seedDemo(t.services.db, { print: () => {} });
  const png = await makePng();
  const courses = await t.services.db.selectFrom("courses").select(["id", "slug"]).execute();
  const id = (slug: string) => courses.find((c) => c.slug === slug)!.id;
  const put = async (slug: string) => {
    const key = `courses/${id(slug)}/logo.png`;
    await t.services.storage.put(key, png, { contentType: "image/png" });
    return `/media/${key}`;
  };
  const publicLogo = await put("eto-baza");
  const privateLogo = await put("plan-grom");

  const visitorPublic = await t.fetch(publicLogo);
  assertEquals(visitorPublic.status, 200);
  assertEquals(visitorPublic.headers.get("content-type"), "image/png");
  await visitorPublic.body?.cancel();

  const visitorPrivate = await t.fetch(privateLogo);
  assertEquals(visitorPrivate.status, 404, "a private course's logo is hidden from visitors");
  await visitorPrivate.body?.cancel();

  const stranger = await signIn(t, "stranger");
  const strangerPrivate = await stranger.fetch(privateLogo);
  assertEquals(strangerPrivate.status, 404, "and from users without access");
  await strangerPrivate.body?.cancel();

  // The demo learner has access to the private course.
  const learner = await signIn(t, "learner");
  const learnerPrivate = await learner.fetch(privateLogo);
  assertEquals(learnerPrivate.status, 200);
  await learnerPrivate.body?.cancel();
});
