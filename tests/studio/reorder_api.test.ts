/**
 * The studio's JSON API (`/api/v1/studio/…`): every route for steps, days
 * and courses, who may call it (a learner 403, a visitor 401, trainer B 404
 * on trainer A's ids, a moderator allowed), validation errors as JSON with
 * field messages in Russian and English, and whole-list reordering: saved in
 * one request, refused with 409 and the current order when the list the
 * client saw is stale, and atomic under two concurrent requests.
 */
import { openTestApp } from "../helpers/app.ts";
import { postForm, type Session, signIn } from "../helpers/session.ts";
import { assert, assertEquals, assertMatch } from "../helpers/assert.ts";
import { makeCourse, openDayAs } from "../training/helpers.ts";

const t = await openTestApp();
globalThis.addEventListener("unload", () => t.close());
const db = t.services.db;

const anna = await signIn(t, "anna", "TRAINER");
const boris = await signIn(t, "boris", "TRAINER");
const moder = await signIn(t, "moder", "MODERATOR");
const lena = await signIn(t, "lena", "USER");

type Json = Record<string, unknown>;

async function call(
  who: Session | null,
  method: string,
  path: string,
  body?: unknown,
  lang?: "ru" | "en",
): Promise<{ status: number; json: Json }> {
  const headers: Record<string, string> = { accept: "application/json" };
  if (body !== undefined) headers["content-type"] = "application/json";
  if (lang) headers.cookie = `lang=${lang}`;
  const init = {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  };
  const res = who ? await who.fetch(path, init) : await t.fetch(path, init);
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : {} };
}

let n = 0;
async function newStep(who: Session, title = `Шаг ${++n}`): Promise<string> {
  const r = await call(who, "POST", "/api/v1/studio/steps", { title, type: "THEORY" });
  assertEquals(r.status, 201, JSON.stringify(r.json));
  return (r.json.step as Json).id as string;
}

async function newDay(who: Session, title: string, steps: number): Promise<string> {
  const res = await postForm(t, who, "/studio/days/new", { title, type: "regular" });
  assertEquals(res.status, 303);
  const id = res.headers.get("location")!.split("/")[3].split("?")[0];
  for (let i = 0; i < steps; i++) {
    const stepId = await newStep(who, `${title} ${i + 1}`);
    const r = await postForm(t, who, `/studio/days/${id}`, { _action: "add", stepId });
    assertEquals(r.status, 303);
  }
  return id;
}

async function newCourse(who: Session, name: string, days: string[]): Promise<string> {
  const res = await postForm(t, who, "/studio/courses/new", {
    name,
    level: "BEGINNER",
    access: "PUBLIC",
  });
  assertEquals(res.status, 303);
  const id = res.headers.get("location")!.split("/")[3].split("?")[0];
  for (const dayId of days) {
    assertEquals(
      (await postForm(t, who, `/studio/courses/${id}`, { _action: "add", dayId }))
        .status,
      303,
    );
  }
  return id;
}

async function dayLinks(dayId: string) {
  return await db.selectFrom("step_on_day").select(["id", "position"])
    .where("day_id", "=", dayId).where("archived_at", "is", null)
    .orderBy("position").execute();
}

const annaStep = await newStep(anna, "Сидеть");
const annaDay = await newDay(anna, "День Анны", 3);
const annaCourse = await newCourse(anna, "Курс Анны", [annaDay]);

/** Every route with a body that would pass validation for anna. */
function routes(): [string, string, unknown?][] {
  return [
    ["GET", "/api/v1/studio/steps"],
    ["POST", "/api/v1/studio/steps", { title: "Новый шаг", type: "THEORY" }],
    ["GET", `/api/v1/studio/steps/${annaStep}`],
    ["PATCH", `/api/v1/studio/steps/${annaStep}`, { title: "Сидеть!" }],
    ["DELETE", `/api/v1/studio/steps/${crypto.randomUUID()}`],
    ["GET", "/api/v1/studio/days"],
    ["GET", `/api/v1/studio/days/${annaDay}`],
    ["PUT", `/api/v1/studio/days/${annaDay}/order`, { order: [], seen: [] }],
    ["GET", "/api/v1/studio/courses"],
    ["GET", `/api/v1/studio/courses/${annaCourse}`],
    ["PUT", `/api/v1/studio/courses/${annaCourse}/order`, { order: [], seen: [] }],
    ["POST", `/api/v1/studio/courses/${annaCourse}/publish`],
  ];
}

Deno.test("a learner gets 403 and a visitor 401 on every studio API route", async () => {
  for (const [method, path, body] of routes()) {
    const r = await call(lena, method, path, body);
    assertEquals(r.status, 403, `${method} ${path}`);
    assertEquals(typeof r.json.message, "string");
    const anon = await call(null, method, path, body);
    // A visitor's unsafe request fails the CSRF check (403) before the role check.
    assert([401, 403].includes(anon.status), `${method} ${path}: ${anon.status}`);
    if (method === "GET") assertEquals(anon.status, 401, `${method} ${path}`);
  }
  const before = await db.selectFrom("steps").select("id").execute();
  assertEquals(before.filter((s) => s.id === annaStep).length, 1, "nothing deleted");
});

Deno.test("trainer B gets 404 on trainer A's step, day and course through every route", async () => {
  for (const [method, path, body] of routes()) {
    if (!path.includes(annaStep) && !path.includes(annaDay) && !path.includes(annaCourse)) {
      continue;
    }
    const r = await call(boris, method, path, body);
    assertEquals(r.status, 404, `${method} ${path}`);
    assertEquals(r.json.error, "not_found");
  }
  // Nor do B's lists show A's content.
  const steps = await call(boris, "GET", "/api/v1/studio/steps");
  assertEquals((steps.json.steps as Json[]).length, 0);
  const days = await call(boris, "GET", "/api/v1/studio/days");
  assertEquals((days.json.days as Json[]).length, 0);
  const courses = await call(boris, "GET", "/api/v1/studio/courses");
  assertEquals((courses.json.courses as Json[]).length, 0);
  const step = await db.selectFrom("steps").select("title").where("id", "=", annaStep)
    .executeTakeFirstOrThrow();
  assertEquals(step.title, "Сидеть", "B's PATCH changed nothing");
});

Deno.test("a moderator reads and changes a trainer's content through the API; the author stays", async () => {
  const r = await call(moder, "PATCH", `/api/v1/studio/steps/${annaStep}`, {
    description: "Правка **модератора**",
  });
  assertEquals(r.status, 200, JSON.stringify(r.json));
  const step = r.json.step as Json;
  assertEquals(step.authorId, anna.id);
  assertEquals(step.title, "Сидеть", "fields not sent stay");
  assertEquals(step.description, "Правка **модератора**");
  const day = await call(moder, "GET", `/api/v1/studio/days/${annaDay}`);
  assertEquals(day.status, 200);
  const order = (day.json.day as Json).order as string[];
  const put = await call(moder, "PUT", `/api/v1/studio/days/${annaDay}/order`, {
    order: [...order].reverse(),
    seen: order,
  });
  assertEquals(put.status, 200, JSON.stringify(put.json));
  assertEquals(put.json.order, [...order].reverse());
  const lists = await call(moder, "GET", "/api/v1/studio/courses");
  assert((lists.json.courses as Json[]).some((c) => c.id === annaCourse));
});

Deno.test("steps: list with q and sort, create, read, PATCH a subset, delete", async () => {
  const carol = await signIn(t, "carol", "TRAINER");
  await newStep(carol, "Бета");
  await newStep(carol, "Альфа");
  const created = await call(carol, "POST", "/api/v1/studio/steps", {
    title: "Гамма таймер",
    type: "TRAINING",
    duration: 90,
    checklistItems: ["лишнее"],
  });
  assertEquals(created.status, 201);
  const step = created.json.step as Json;
  assertEquals(step.durationSec, 90);
  assertEquals(step.checklistItems, [], "a timer step has no checklist");

  const byTitle = await call(carol, "GET", "/api/v1/studio/steps?sort=title");
  assertEquals((byTitle.json.steps as Json[]).map((s) => s.title), [
    "Альфа",
    "Бета",
    "Гамма таймер",
  ]);
  const found = await call(carol, "GET", `/api/v1/studio/steps?q=${encodeURIComponent("гам")}`);
  assertEquals((found.json.steps as Json[]).map((s) => s.id), [step.id]);

  const patched = await call(carol, "PATCH", `/api/v1/studio/steps/${step.id}`, {
    duration: "2:00",
  });
  assertEquals(patched.status, 200);
  assertEquals((patched.json.step as Json).durationSec, 120);
  assertEquals((patched.json.step as Json).title, "Гамма таймер");
  const read = await call(carol, "GET", `/api/v1/studio/steps/${step.id}`);
  assertEquals((read.json.step as Json).durationSec, 120);

  const del = await call(carol, "DELETE", `/api/v1/studio/steps/${step.id}`);
  assertEquals(del.status, 204);
  assertEquals((await call(carol, "GET", `/api/v1/studio/steps/${step.id}`)).status, 404);
});

Deno.test("invalid input answers 400 JSON with field messages in Russian and English", async () => {
  const ru = await call(anna, "POST", "/api/v1/studio/steps", { title: "x", type: "NOPE" }, "ru");
  assertEquals(ru.status, 400);
  assertEquals(ru.json.error, "invalid");
  assertEquals(ru.json.fields, {
    title: "От 3 до 100\u00a0символов",
    type: "Выберите тип шага",
  });
  const en = await call(anna, "PATCH", `/api/v1/studio/steps/${annaStep}`, { title: "x" }, "en");
  assertEquals(en.status, 400);
  assertEquals((en.json.fields as Json).title, "3 to 100\u00a0characters");

  const order = await call(anna, "PUT", `/api/v1/studio/days/${annaDay}/order`, {
    order: ["not an id"],
  }, "ru");
  assertEquals(order.status, 400);
  assertMatch(String((order.json.fields as Json)["order.0"]), /^Порядок — список/);
  assertMatch(String((order.json.fields as Json).seen), /./);
  const orderEn = await call(anna, "PUT", `/api/v1/studio/days/${annaDay}/order`, "x", "en");
  assertEquals(orderEn.status, 400);
  assertEquals(orderEn.json.error, "invalid");

  const notJson = await anna.fetch(`/api/v1/studio/days/${annaDay}/order`, {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: "{",
  });
  assertEquals(notJson.status, 400);
  await notJson.body?.cancel();
});

Deno.test("days and courses: list and read, with the order as link ids", async () => {
  const days = await call(anna, "GET", "/api/v1/studio/days");
  const listed = (days.json.days as Json[]).find((d) => d.id === annaDay)!;
  assertEquals(listed.stepCount, 3);
  assertEquals(listed.courseCount, 1);
  const day = (await call(anna, "GET", `/api/v1/studio/days/${annaDay}`)).json.day as Json;
  assertEquals(day.order, (await dayLinks(annaDay)).map((l) => l.id));
  assertEquals((day.steps as Json[]).length, 3);
  assertEquals((day.courses as Json[]).map((c) => c.id), [annaCourse]);

  const course = (await call(anna, "GET", `/api/v1/studio/courses/${annaCourse}`)).json
    .course as Json;
  assertEquals((course.days as Json[]).map((d) => d.dayId), [annaDay]);
  assertEquals(course.published, false);
  const courses = await call(anna, "GET", "/api/v1/studio/courses");
  assertEquals((courses.json.courses as Json[]).find((c) => c.id === annaCourse)?.dayCount, 1);
});

Deno.test("PUT order saves the whole new order; a stale order is refused with 409 and the current one", async () => {
  const day = await newDay(anna, "Порядок", 4);
  const ids = (await dayLinks(day)).map((l) => l.id);
  const next = [ids[2], ids[0], ids[3], ids[1]];
  const saved = await call(anna, "PUT", `/api/v1/studio/days/${day}/order`, {
    order: next,
    seen: ids,
  });
  assertEquals(saved.status, 200);
  assertEquals(saved.json.order, next);
  const links = await dayLinks(day);
  assertEquals(links.map((l) => l.id), next);
  assertEquals(links.map((l) => l.position), [0, 1, 2, 3]);

  // The client still shows the old order: refused, nothing written, the current order returned.
  const stale = await call(anna, "PUT", `/api/v1/studio/days/${day}/order`, {
    order: [...ids].reverse(),
    seen: ids,
  }, "en");
  assertEquals(stale.status, 409);
  assertEquals(stale.json.error, "order_conflict");
  assertMatch(String(stale.json.message), /The list changed/);
  assertEquals(stale.json.order, next);
  assertEquals((stale.json.steps as Json[]).map((s) => s.linkId), next);
  assertEquals((await dayLinks(day)).map((l) => l.id), next);

  // A step added meanwhile: an order without it is stale too.
  const added = await newStep(anna, "Новый");
  await postForm(t, anna, `/studio/days/${day}`, { _action: "add", stepId: added });
  const missing = await call(anna, "PUT", `/api/v1/studio/days/${day}/order`, {
    order: [...next].reverse(),
    seen: next,
  }, "ru");
  assertEquals(missing.status, 409);
  assertMatch(String(missing.json.message), /Список изменился/);
  assertEquals((missing.json.order as string[]).length, 5);
  assertEquals((await dayLinks(day)).map((l) => l.id).slice(0, 4), next);

  // A repeated id is invalid, not a conflict.
  const dup = await call(anna, "PUT", `/api/v1/studio/days/${day}/order`, {
    order: [next[0], next[0], next[1], next[2], next[3]],
    seen: missing.json.order,
  });
  assertEquals(dup.status, 400);
});

Deno.test("two concurrent reorders through the API: one wins, the other gets 409 with the winner's order", async () => {
  const day = await newDay(anna, "Гонка", 6);
  for (let round = 0; round < 4; round++) {
    const seen = (await dayLinks(day)).map((l) => l.id);
    const reversed = [...seen].reverse();
    const rotated = [...seen.slice(2), ...seen.slice(0, 2)];
    const [a, b] = await Promise.all([
      call(anna, "PUT", `/api/v1/studio/days/${day}/order`, { order: reversed, seen }),
      call(moder, "PUT", `/api/v1/studio/days/${day}/order`, { order: rotated, seen }),
    ]);
    assertEquals([a.status, b.status].sort(), [200, 409], `round ${round}`);
    const [win, lose] = a.status === 200 ? [a, b] : [b, a];
    const links = await dayLinks(day);
    assertEquals(links.map((l) => l.position), [0, 1, 2, 3, 4, 5], "no duplicate positions");
    assertEquals(links.map((l) => l.id), win.json.order);
    assertEquals(lose.json.order, win.json.order, "the loser is told the current order");
  }
});

Deno.test("course days: reorder through the API, stale → 409; publish refused with what is missing, then published", async () => {
  const d1 = await newDay(anna, "Первый", 1);
  const d2 = await newDay(anna, "Второй", 0);
  const course = await newCourse(anna, "Курс с порядком", [d1, d2]);
  const got = (await call(anna, "GET", `/api/v1/studio/courses/${course}`)).json.course as Json;
  const ids = got.order as string[];
  const put = await call(anna, "PUT", `/api/v1/studio/courses/${course}/order`, {
    order: [ids[1], ids[0]],
    seen: ids,
  });
  assertEquals(put.status, 200);
  assertEquals((put.json.days as Json[]).map((d) => d.dayId), [d2, d1]);
  const stale = await call(anna, "PUT", `/api/v1/studio/courses/${course}/order`, {
    order: ids,
    seen: ids,
  });
  assertEquals(stale.status, 409);
  assertEquals((stale.json.days as Json[]).map((d) => d.dayId), [d2, d1]);

  const refused = await call(anna, "POST", `/api/v1/studio/courses/${course}/publish`, {}, "ru");
  assertEquals(refused.status, 422);
  assertEquals(refused.json.error, "course_incomplete");
  assertEquals(refused.json.problems, ["В дне «Второй» нет ни одного шага."]);
  await postForm(t, anna, `/studio/days/${d2}`, { _action: "add", stepId: annaStep });
  const published = await call(anna, "POST", `/api/v1/studio/courses/${course}/publish`);
  assertEquals(published.status, 200);
  assertEquals((published.json.course as Json).published, true);
});

Deno.test("deleting a step through the API that learners have progress on is refused (409)", async () => {
  const c = await makeCourse(t, {
    author: "anna",
    days: [{ steps: [{ type: "THEORY", title: "С прогрессом" }] }],
  });
  await openDayAs(t, await signIn(t, "mila"), c);
  const stepId = c.days[0].stepIds[0];
  const r = await call(anna, "DELETE", `/api/v1/studio/steps/${stepId}`);
  assertEquals(r.status, 409);
  assertEquals(r.json.error, "step_in_use");
  assert(await db.selectFrom("steps").select("id").where("id", "=", stepId).executeTakeFirst());
});

Deno.test("the day editor carries the reorder island with its messages in the user's language and keeps the no-JS forms", async () => {
  for (
    const [lang, moved, up] of [
      ["ru", "Шаг «{title}» перемещён на позицию {pos} из\u00a0{total}.", "Поднять «"],
      ["en", "Step “{title}” moved to position {pos} of\u00a0{total}.", "Move “"],
    ] as const
  ) {
    const res = await anna.fetch(`/studio/days/${annaDay}`, {
      headers: { cookie: `lang=${lang}` },
    });
    const html = await res.text();
    assert(html.includes("frsh:island:ReorderList"), "the island is on the page");
    // The island's props (a JS string literal in the boot script) carry the announcement.
    assert(html.includes(JSON.stringify(moved).slice(1, -1)), `${lang}: ${moved}`);
    // Without JavaScript: one POST form per up/down/remove, with the CSRF field and the link id.
    assert(html.includes('name="_action" value="down"'));
    assert(html.includes(up));
    assertEquals(html.match(/name="linkId"/g)?.length, 3 + 2 + 2, "3 remove, 2 up, 2 down");
  }
});
