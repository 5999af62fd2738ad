/**
 * Days and courses authoring in the studio (`/studio/days`, `/studio/courses`):
 * the no-JS forms with ru/en field messages and the typed values kept,
 * ordering with up/down (and atomic under concurrent reorders), publishing
 * refused with what is missing, drafts hidden from learners, slugs by
 * transliteration, removal keeping learners' progress, and who may see what.
 */
import { openTestApp } from "../helpers/app.ts";
import { postForm, type Session, signIn } from "../helpers/session.ts";
import { assert, assertEquals, assertMatch, assertStringIncludes } from "../helpers/assert.ts";
import { saveOrder } from "@/core/studio/order.ts";
import { slugify } from "@/core/studio/courses.ts";
import { makeCourse, openDayAs } from "../training/helpers.ts";
import { dayUrl } from "../training/helpers.ts";

const t = await openTestApp();
globalThis.addEventListener("unload", () => t.close());
const db = t.services.db;

const anna = await signIn(t, "anna", "TRAINER");
const boris = await signIn(t, "boris", "TRAINER");
const moder = await signIn(t, "moder", "MODERATOR");
const lena = await signIn(t, "lena", "USER");

function post(who: Session, path: string, fields: Record<string, string>, lang?: "ru" | "en") {
  return postForm(t, who, path, fields, lang);
}

async function created(res: Response, kind: "days" | "courses"): Promise<string> {
  assertEquals(res.status, 303, await res.clone().text().then((s) => s.slice(0, 400)));
  const loc = res.headers.get("location")!;
  assertMatch(loc, new RegExp(`^/studio/${kind}/[^/?]+\\?done=created$`));
  return loc.split("/")[3].split("?")[0];
}

async function ok(res: Response) {
  await res.body?.cancel();
  assertEquals(res.status, 303);
}

let n = 0;
async function makeStep(author: string, title = `Шаг ${++n}`, type = "THEORY") {
  const id = crypto.randomUUID();
  await db.insertInto("steps").values({ id, title, type: type as "THEORY", author_id: author })
    .execute();
  return id;
}

async function dayLinks(dayId: string) {
  return await db.selectFrom("step_on_day").select(["id", "step_id", "position"])
    .where("day_id", "=", dayId).where("archived_at", "is", null).orderBy("position").execute();
}

Deno.test("slugs are transliterated from Russian names", () => {
  assertEquals(slugify("Щенок: основы послушания"), "shchenok-osnovy-poslushaniya");
  assertEquals(slugify("Ёжик и Юла"), "ezhik-i-yula");
  assertEquals(slugify("Basic Obedience 101"), "basic-obedience-101");
  assertEquals(slugify("!!!"), "course");
});

Deno.test("a trainer creates and edits a day; invalid input comes back with ru/en messages and the typed values", async () => {
  const id = await created(
    await post(anna, "/studio/days/new", {
      title: "Первый день",
      type: "introduction",
      description: "Знакомство **с собакой**",
      equipment: "Поводок",
      shareProgress: "on",
    }),
    "days",
  );
  const row = await db.selectFrom("training_days").selectAll().where("id", "=", id)
    .executeTakeFirstOrThrow();
  assertEquals(row.author_id, anna.id);
  assertEquals(row.type, "introduction");
  assertEquals(row.share_progress_across_courses, true);
  assertEquals(row.equipment, "Поводок");

  const ru = await post(anna, `/studio/days/${id}`, { title: "x", type: "weird" }, "ru");
  assertEquals(ru.status, 422);
  const ruHtml = await ru.text();
  assertStringIncludes(ruHtml, "Название дня — от 2 до 200\u00a0символов.");
  assertStringIncludes(ruHtml, "Выберите тип дня из списка.");
  assertStringIncludes(ruHtml, 'value="x"');

  const en = await post(anna, "/studio/days/new", { title: "y", type: "regular" }, "en");
  assertEquals(en.status, 422);
  const enHtml = await en.text();
  assertStringIncludes(enHtml, "title must be 2 to 200\u00a0characters.");
  assertStringIncludes(enHtml, 'value="y"');

  await ok(await post(anna, `/studio/days/${id}`, { title: "Первый день!", type: "regular" }));
  const after = await db.selectFrom("training_days").selectAll().where("id", "=", id)
    .executeTakeFirstOrThrow();
  assertEquals(after.title, "Первый день!");
  assertEquals(after.share_progress_across_courses, false);
  const page = await (await anna.fetch(`/studio/days/${id}?done=saved`)).text();
  assertStringIncludes(page, 'value="Первый день!"');
});

Deno.test("steps of a day: add, reorder with up/down, remove", async () => {
  const day = await created(
    await post(anna, "/studio/days/new", { title: "Порядок", type: "regular" }),
    "days",
  );
  const [a, b, c] = [
    await makeStep(anna.id, "A"),
    await makeStep(anna.id, "B"),
    await makeStep(anna.id, "C"),
  ];
  for (const s of [a, b, c]) {
    await ok(await post(anna, `/studio/days/${day}`, { _action: "add", stepId: s }));
  }
  let links = await dayLinks(day);
  assertEquals(links.map((l) => l.step_id), [a, b, c]);
  assertEquals(links.map((l) => l.position), [0, 1, 2]);

  // Someone else's step cannot be added by a trainer.
  const borisStep = await makeStep(boris.id);
  const refused = await post(anna, `/studio/days/${day}`, { _action: "add", stepId: borisStep });
  await refused.body?.cancel();
  assertEquals(refused.status, 404);

  await ok(await post(anna, `/studio/days/${day}`, { _action: "up", linkId: links[2].id }));
  links = await dayLinks(day);
  assertEquals(links.map((l) => l.step_id), [a, c, b]);
  await ok(await post(anna, `/studio/days/${day}`, { _action: "down", linkId: links[0].id }));
  links = await dayLinks(day);
  assertEquals(links.map((l) => l.step_id), [c, a, b]);
  // At the edge nothing moves.
  await ok(await post(anna, `/studio/days/${day}`, { _action: "up", linkId: links[0].id }));
  assertEquals((await dayLinks(day)).map((l) => l.step_id), [c, a, b]);

  await ok(await post(anna, `/studio/days/${day}`, { _action: "remove", linkId: links[1].id }));
  links = await dayLinks(day);
  assertEquals(links.map((l) => l.step_id), [c, b]);
  assertEquals(links.map((l) => l.position), [0, 1]);

  const page = await (await anna.fetch(`/studio/days/${day}`)).text();
  assertStringIncludes(page, "Поднять «B» выше");
  assertStringIncludes(page, 'name="linkId"');
});

Deno.test("two concurrent reorders of one day leave one whole valid order", async () => {
  const day = await created(
    await post(anna, "/studio/days/new", { title: "Гонка", type: "regular" }),
    "days",
  );
  const steps = [];
  for (let i = 0; i < 6; i++) steps.push(await makeStep(anna.id, `R${i}`));
  for (const s of steps) {
    await ok(await post(anna, `/studio/days/${day}`, { _action: "add", stepId: s }));
  }
  const ids = (await dayLinks(day)).map((l) => l.id);
  const reversed = [...ids].reverse();
  const rotated = [...ids.slice(2), ...ids.slice(0, 2)];
  for (let round = 0; round < 5; round++) {
    await Promise.all([
      saveOrder(db, "step_on_day", day, reversed),
      saveOrder(db, "step_on_day", day, rotated),
    ]);
    const after = await dayLinks(day);
    assertEquals(after.map((l) => l.position), [0, 1, 2, 3, 4, 5]);
    const order = after.map((l) => l.id);
    assert(
      JSON.stringify(order) === JSON.stringify(reversed) ||
        JSON.stringify(order) === JSON.stringify(rotated),
    );
  }
  // Many concurrent up/down requests: still a permutation with distinct positions.
  const current = (await dayLinks(day)).map((l) => l.id);
  const responses = await Promise.all(
    current.map((id, i) =>
      post(anna, `/studio/days/${day}`, { _action: i % 2 ? "up" : "down", linkId: id })
    ),
  );
  for (const r of responses) await ok(r);
  const final = await dayLinks(day);
  assertEquals(final.map((l) => l.position), [0, 1, 2, 3, 4, 5]);
  assertEquals(new Set(final.map((l) => l.id)).size, 6);
});

Deno.test("a course: create with ru/en messages, slug from the name, unique, locked once published", async () => {
  const ru = await post(
    anna,
    "/studio/courses/new",
    { name: "ab", level: "X", access: "PUBLIC" },
    "ru",
  );
  assertEquals(ru.status, 422);
  const ruHtml = await ru.text();
  assertStringIncludes(ruHtml, "Название курса — от 3 до 120\u00a0символов.");
  assertStringIncludes(ruHtml, "Выберите уровень из списка.");
  assertStringIncludes(ruHtml, 'value="ab"');
  const en = await post(anna, "/studio/courses/new", {
    name: "Fine name",
    slug: "Bad Slug!",
    level: "BEGINNER",
    access: "PUBLIC",
  }, "en");
  assertEquals(en.status, 422);
  const enHtml = await en.text();
  assertStringIncludes(enHtml, "The address: up to 64\u00a0characters");
  assertStringIncludes(enHtml, 'value="Fine name"');

  const fields = {
    name: "Послушание щенка",
    level: "BEGINNER",
    access: "PUBLIC",
    showInProfile: "on",
  };
  const first = await created(await post(anna, "/studio/courses/new", fields), "courses");
  const second = await created(await post(anna, "/studio/courses/new", fields), "courses");
  const slugs = await db.selectFrom("courses").select(["id", "slug", "published_at", "author_id"])
    .where("id", "in", [first, second]).execute();
  const byId = Object.fromEntries(slugs.map((r) => [r.id, r]));
  assertEquals(byId[first].slug, "poslushanie-shchenka");
  assertEquals(byId[second].slug, "poslushanie-shchenka-2");
  assertEquals(byId[first].published_at, null);
  assertEquals(byId[first].author_id, anna.id);

  const taken = await post(anna, `/studio/courses/${second}`, {
    ...fields,
    slug: "poslushanie-shchenka",
  }, "ru");
  assertEquals(taken.status, 422);
  assertStringIncludes(await taken.text(), "Такой адрес уже занят другим курсом.");
  await ok(await post(anna, `/studio/courses/${second}`, { ...fields, slug: "shchenok-2" }));
  assertEquals(
    (await db.selectFrom("courses").select("slug").where("id", "=", second)
      .executeTakeFirstOrThrow()).slug,
    "shchenok-2",
  );
  await db.updateTable("courses").set({ published_at: new Date() }).where("id", "=", second)
    .execute();
  const locked = await post(anna, `/studio/courses/${second}`, { ...fields, slug: "other" }, "en");
  assertEquals(locked.status, 422);
  assertStringIncludes(await locked.text(), "The address of a published course cannot change.");
});

Deno.test("publishing is refused with what is missing, then allowed; a draft is invisible to learners", async () => {
  const id = await created(
    await post(anna, "/studio/courses/new", {
      name: "Черновик курса",
      level: "BEGINNER",
      access: "PUBLIC",
    }),
    "courses",
  );
  const { slug } = await db.selectFrom("courses").select("slug").where("id", "=", id)
    .executeTakeFirstOrThrow();
  const noDays = await post(anna, `/studio/courses/${id}`, { _action: "publish" }, "ru");
  assertEquals(noDays.status, 422);
  assertStringIncludes(await noDays.text(), "В курсе нет ни одного дня.");

  const day = await created(
    await post(anna, "/studio/days/new", { title: "Пустой день", type: "regular" }),
    "days",
  );
  await ok(await post(anna, `/studio/courses/${id}`, { _action: "add", dayId: day }));
  const empty = await post(anna, `/studio/courses/${id}`, { _action: "publish" }, "en");
  assertEquals(empty.status, 422);
  assertStringIncludes(await empty.text(), "The day “Пустой день” has no steps.");

  // A draft: not in the catalogue, its page 404 for a learner; the author sees it.
  const catalogue = await (await lena.fetch("/courses")).text();
  assert(!catalogue.includes("Черновик курса"));
  const hidden = await lena.fetch(`/courses/${slug}`);
  await hidden.body?.cancel();
  assertEquals(hidden.status, 404);

  await ok(
    await post(anna, `/studio/days/${day}`, { _action: "add", stepId: await makeStep(anna.id) }),
  );
  await ok(await post(anna, `/studio/courses/${id}`, { _action: "publish" }));
  const row = await db.selectFrom("courses").select("published_at").where("id", "=", id)
    .executeTakeFirstOrThrow();
  assert(row.published_at !== null);
  assertStringIncludes(await (await lena.fetch("/courses")).text(), "Черновик курса");
  const visible = await lena.fetch(`/courses/${slug}`);
  await visible.body?.cancel();
  assertEquals(visible.status, 200);

  // The day's page says where it is used.
  assertStringIncludes(await (await anna.fetch(`/studio/days/${day}`)).text(), "Черновик курса");

  await ok(await post(anna, `/studio/courses/${id}`, { _action: "unpublish" }));
  const again = await lena.fetch(`/courses/${slug}`);
  await again.body?.cancel();
  assertEquals(again.status, 404);
});

Deno.test("days of a course reorder with up/down", async () => {
  const id = await created(
    await post(anna, "/studio/courses/new", {
      name: "Порядок дней",
      level: "BEGINNER",
      access: "PUBLIC",
    }),
    "courses",
  );
  const days = [];
  for (const title of ["Д1", "Д2", "Д3"]) {
    const d = await created(
      await post(anna, "/studio/days/new", { title, type: "regular" }),
      "days",
    );
    days.push(d);
    await ok(await post(anna, `/studio/courses/${id}`, { _action: "add", dayId: d }));
  }
  const links = () =>
    db.selectFrom("day_on_course").select(["id", "day_id", "position"]).where("course_id", "=", id)
      .where("archived_at", "is", null).orderBy("position").execute();
  const l = await links();
  await ok(await post(anna, `/studio/courses/${id}`, { _action: "down", linkId: l[0].id }));
  assertEquals((await links()).map((x) => x.day_id), [days[1], days[0], days[2]]);
  await ok(await post(anna, `/studio/courses/${id}`, { _action: "remove", linkId: l[2].id }));
  assertEquals((await links()).map((x) => x.position), [0, 1]);
});

Deno.test("removing a step learners have progress on archives the link: progress kept, the day still renders", async () => {
  const course = await makeCourse(t, {
    days: [{ steps: [{ type: "THEORY" }, { type: "PRACTICE" }, { type: "THEORY" }] }],
  });
  const coach = await signIn(t, "coach", "TRAINER");
  const learner = await signIn(t, "learner_progress", "USER");
  const userSteps = await openDayAs(t, learner, course);
  assert(userSteps.length > 0);
  const first = course.days[0].stepOnDayIds[0];
  const before = await db.selectFrom("user_steps").select("id").where("user_id", "=", learner.id)
    .execute();

  const res = await post(coach, `/studio/days/${course.days[0].dayId}`, {
    _action: "remove",
    linkId: first,
  });
  assertEquals(res.status, 303);
  assertStringIncludes(res.headers.get("location")!, "done=archived");
  const link = await db.selectFrom("step_on_day").select("archived_at").where("id", "=", first)
    .executeTakeFirstOrThrow();
  assert(link.archived_at !== null);
  const after = await db.selectFrom("user_steps").select("id").where("user_id", "=", learner.id)
    .execute();
  assertEquals(after.length, before.length);

  // A step nobody has progress on is deleted outright.
  const fresh = await makeStep(coach.id, "Новый шаг");
  await ok(
    await post(coach, `/studio/days/${course.days[0].dayId}`, { _action: "add", stepId: fresh }),
  );
  const freshLink = await db.selectFrom("step_on_day").select("id").where("step_id", "=", fresh)
    .executeTakeFirstOrThrow();
  const del = await post(coach, `/studio/days/${course.days[0].dayId}`, {
    _action: "remove",
    linkId: freshLink.id,
  });
  await del.body?.cancel();
  assertStringIncludes(del.headers.get("location")!, "done=removed");
  assertEquals(
    (await db.selectFrom("step_on_day").select("id").where("id", "=", freshLink.id).execute())
      .length,
    0,
  );

  const page = await learner.fetch(dayUrl(course));
  const html = await page.text();
  assertEquals(page.status, 200, html.slice(0, 300));
});

Deno.test("access: trainer B gets 404 on A's day and course, staff can, a learner gets 403", async () => {
  const day = await created(
    await post(anna, "/studio/days/new", { title: "Анин день", type: "regular" }),
    "days",
  );
  const course = await created(
    await post(anna, "/studio/courses/new", {
      name: "Анин курс",
      level: "BEGINNER",
      access: "PRIVATE",
    }),
    "courses",
  );
  for (const path of [`/studio/days/${day}`, `/studio/courses/${course}`]) {
    const b = await boris.fetch(path);
    await b.body?.cancel();
    assertEquals(b.status, 404, path);
    const bp = await post(boris, path, {
      title: "Чужое",
      name: "Чужое",
      type: "regular",
      level: "BEGINNER",
      access: "PUBLIC",
    });
    await bp.body?.cancel();
    assertEquals(bp.status, 404, path);
    const m = await moder.fetch(path);
    await m.body?.cancel();
    assertEquals(m.status, 200, path);
    const l = await lena.fetch(path);
    await l.body?.cancel();
    assertEquals(l.status, 403, path);
  }
  // Boris cannot add Anna's day to his course, nor see hers in his lists.
  const his = await created(
    await post(boris, "/studio/courses/new", {
      name: "Курс Бориса",
      level: "BEGINNER",
      access: "PUBLIC",
    }),
    "courses",
  );
  const add = await post(boris, `/studio/courses/${his}`, { _action: "add", dayId: day });
  await add.body?.cancel();
  assertEquals(add.status, 404);
  assert(!(await (await boris.fetch("/studio/days")).text()).includes("Анин день"));
  assert(!(await (await boris.fetch("/studio/courses")).text()).includes("Анин курс"));
  assertStringIncludes(await (await moder.fetch("/studio/courses")).text(), "Анин курс");
  // Staff may change it; the author stays.
  await ok(
    await post(moder, `/studio/days/${day}`, { title: "Правка модератора", type: "summary" }),
  );
  const row = await db.selectFrom("training_days").select(["title", "author_id"]).where(
    "id",
    "=",
    day,
  )
    .executeTakeFirstOrThrow();
  assertEquals(row.title, "Правка модератора");
  assertEquals(row.author_id, anna.id);
  for (
    const path of ["/studio/days", "/studio/courses", "/studio/days/new", "/studio/courses/new"]
  ) {
    const l = await lena.fetch(path);
    await l.body?.cancel();
    assertEquals(l.status, 403, path);
  }
  const menu = await (await anna.fetch("/studio")).text();
  assertStringIncludes(menu, 'href="/studio/days"');
  assertStringIncludes(menu, 'href="/studio/courses"');
});
