/**
 * Personalised courses end to end: the studio's "personalised" checkbox, the
 * step editor's placeholder help and non-blocking warnings (page, no-JS
 * preview, preview API), the learner's form (redirect before day 1, return
 * URL safety, prefill, validation in Russian and English with the typed
 * values kept), substitution on the day page and the outline (values
 * escaped, neutral fallbacks, unknown placeholders literal), and that one
 * learner can neither read nor change another's values.
 */
import { openTestApp } from "../helpers/app.ts";
import { postForm, type Session, signIn } from "../helpers/session.ts";
import { assert, assertEquals, assertMatch, assertStringIncludes } from "../helpers/assert.ts";
import { newId } from "@/platform/ids.ts";
import { invalidateCourses } from "@/core/courses/cache.ts";
import {
  act,
  age,
  type CourseFixture,
  dayUrl,
  makeCourse,
  openDayAs,
} from "../training/helpers.ts";

const t = await openTestApp();
globalThis.addEventListener("unload", () => t.close());
const db = t.services.db;

const anna = await signIn(t, "anna", "TRAINER");
const lena = await signIn(t, "lena", "USER");
const petr = await signIn(t, "petr", "USER");

function post(who: Session, path: string, fields: Record<string, string>, lang?: "ru" | "en") {
  return postForm(t, who, path, fields, lang);
}

async function personalised(opts: { days: Parameters<typeof makeCourse>[1]["days"] }) {
  const c = await makeCourse(t, { author: "anna", days: opts.days });
  await db.updateTable("courses").set({ personalised: true }).where("id", "=", c.courseId)
    .execute();
  invalidateCourses(t.services);
  return c;
}

const formPath = (c: CourseFixture) => `/courses/${c.slug}/personalise`;

function valuesOf(userId: string, courseId: string) {
  return db.selectFrom("course_personalisation").selectAll()
    .where("user_id", "=", userId).where("course_id", "=", courseId).executeTakeFirst();
}

Deno.test("a trainer marks a course personalised with the course form's checkbox", async () => {
  const res = await post(anna, "/studio/courses/new", {
    name: "Имя собаки",
    level: "BEGINNER",
    access: "PUBLIC",
    personalised: "on",
  });
  assertEquals(res.status, 303);
  const id = res.headers.get("location")!.split("/")[3].split("?")[0];
  const row = await db.selectFrom("courses").select("personalised").where("id", "=", id)
    .executeTakeFirstOrThrow();
  assertEquals(row.personalised, true);
  const page = await (await anna.fetch(`/studio/courses/${id}`)).text();
  assertMatch(page, /name="personalised"[^>]*checked/);
  // Unchecked on save: no longer personalised.
  await post(anna, `/studio/courses/${id}`, {
    name: "Имя собаки",
    level: "BEGINNER",
    access: "PUBLIC",
  });
  assertEquals(
    (await db.selectFrom("courses").select("personalised").where("id", "=", id)
      .executeTakeFirstOrThrow()).personalised,
    false,
  );
});

Deno.test("the step editor lists the placeholders and warns, without refusing, about unknown ones", async () => {
  const res = await post(anna, "/studio/steps/new", {
    title: "Позовите {{dogName}}",
    type: "THEORY",
    description: "Дайте {{petName:dative}} лакомство, {{gender:пошёл}} и {{petName",
  });
  assertEquals(res.status, 303, "a step with unknown placeholders still saves");
  const loc = res.headers.get("location")!;
  const ru = await (await anna.fetch(loc)).text();
  assertStringIncludes(ru, "Подстановки, которые не сработают");
  assertStringIncludes(ru, "<code>{{dogName}}</code> — неизвестное имя");
  assertStringIncludes(ru, "<code>{{gender:пошёл}}</code> — неверная форма");
  assertStringIncludes(ru, "лишние или незакрытые скобки");
  assert(!ru.includes("<code>{{petName:dative}}</code> —"), "a correct placeholder is no warning");
  assertStringIncludes(ru, "{{petName:genitive}}", "the help lists the cases");
  assertStringIncludes(ru, "{{gender:пошёл|пошла}}");

  const en = await (await t.fetch(loc, { headers: anna.headers({ cookie: "lang=en" }) })).text();
  assertStringIncludes(en, "Placeholders that will not work");
  assertStringIncludes(en, "<code>{{dogName}}</code> — unknown name");

  // The no-JS preview warns about what was typed, before saving.
  const pv = await post(anna, "/studio/steps/new", {
    _action: "preview",
    title: "Шаг",
    type: "THEORY",
    description: "Для {{petname}}",
  }, "en");
  assertEquals(pv.status, 200);
  assertStringIncludes(await pv.text(), "<code>{{petname}}</code> — unknown name");

  const clean = await post(anna, "/studio/steps/new", {
    _action: "preview",
    title: "Шаг",
    type: "THEORY",
    description: "Для {{petName}}",
  });
  assert(!(await clean.text()).includes("Подстановки, которые не сработают"));

  const api = await anna.fetch("/api/v1/studio/preview", {
    method: "POST",
    body: JSON.stringify({ markdown: "**{{petName}}** {{owner}}", title: "{{x:y}}" }),
    headers: { "content-type": "application/json", cookie: "lang=en" },
  });
  assertEquals(api.status, 200);
  const body = await api.json();
  assertStringIncludes(body.html, "<strong>{{petName}}</strong>");
  assertEquals(body.warnings, [
    { text: "{{x:y}}", reason: "unknown", message: "unknown name" },
    { text: "{{owner}}", reason: "unknown", message: "unknown name" },
  ]);
});

Deno.test("opening a day of a personalised course first asks for the values, then comes back", async () => {
  const c = await personalised({ days: [{ steps: [{ type: "THEORY", title: "Шаг" }] }] });
  const day = dayUrl(c);
  const first = await lena.fetch(day + "?step=1");
  assertEquals(first.status, 303);
  assertEquals(
    first.headers.get("location"),
    `${formPath(c)}?next=${encodeURIComponent(day + "?step=1")}`,
  );
  // The course page links to the form too.
  assertStringIncludes(
    await (await lena.fetch(`/courses/${c.slug}`)).text(),
    `href="${formPath(c)}?next=`,
  );

  const saved = await post(lena, formPath(c), {
    learnerName: "Лена",
    gender: "female",
    petName: "Рекс",
    next: day + "?step=1",
  });
  assertEquals(saved.status, 303);
  assertEquals(saved.headers.get("location"), day + "?step=1");
  assertEquals((await lena.fetch(day)).status, 200);

  // Editable later: the form shows the stored values, a change replaces them.
  const again = await (await lena.fetch(formPath(c))).text();
  assertStringIncludes(again, 'value="Лена"');
  assertMatch(again, /value="female"[^>]*checked/);
  await post(lena, formPath(c), { learnerName: "Елена", gender: "female", petName: "Рекс" });
  assertEquals((await valuesOf(lena.id, c.courseId))!.learner_name, "Елена");
});

Deno.test("the return URL is followed only when it is a path on this site", async () => {
  const c = await personalised({ days: [{ steps: [{ type: "THEORY" }] }] });
  for (
    const next of ["https://evil.example/x", "//evil.example", "/\\evil.example", "javascript:x"]
  ) {
    const res = await post(petr, formPath(c), {
      learnerName: "Пётр",
      gender: "male",
      petName: "Бим",
      next,
    });
    assertEquals(res.status, 303);
    assertEquals(res.headers.get("location"), `${formPath(c)}?done=saved`, next);
  }
  const page = await (await petr.fetch(`${formPath(c)}?next=//evil.example`)).text();
  assert(!page.includes('name="next"'), "an unsafe next is not carried in the form");
});

Deno.test("the form is prefilled from the profile's full name and the first pet, and a chosen pet fills the name", async () => {
  const olga = await signIn(t, "olga", "USER");
  await db.insertInto("user_profiles").values({ user_id: olga.id, full_name: "Ольга Петрова" })
    .onConflict((oc) => oc.column("user_id").doUpdateSet({ full_name: "Ольга Петрова" }))
    .execute();
  const first = newId(), second = newId();
  await db.insertInto("pets").values([
    { id: first, owner_id: olga.id, name: "Жучка", created_at: new Date(Date.now() - 60_000) },
    { id: second, owner_id: olga.id, name: "Шарик" },
  ]).execute();
  const c = await personalised({ days: [{ steps: [{ type: "THEORY" }] }] });
  const html = await (await olga.fetch(formPath(c))).text();
  assertStringIncludes(html, 'value="Ольга Петрова"');
  assertStringIncludes(html, 'value="Жучка"');
  assertMatch(html, new RegExp(`value="${first}"[^>]*selected`));

  // No JavaScript: choosing the second pet, the name field still holding the first
  // pet's prefilled name (or emptied), takes the chosen pet's name.
  for (const petName of ["Жучка", ""]) {
    await db.deleteFrom("course_personalisation").where("user_id", "=", olga.id).execute();
    const res = await post(olga, formPath(c), {
      learnerName: "Оля",
      gender: "female",
      petId: second,
      petName,
    });
    assertEquals(res.status, 303);
    const row = (await valuesOf(olga.id, c.courseId))!;
    assertEquals(row.pet_name, "Шарик", petName);
    assertEquals(row.pet_id, second);
  }
  // A name of the learner's own choosing is kept.
  await post(olga, formPath(c), {
    learnerName: "Оля",
    gender: "female",
    petId: second,
    petName: "Шарик-Бобик",
  });
  assertEquals((await valuesOf(olga.id, c.courseId))!.pet_name, "Шарик-Бобик");
});

Deno.test("invalid values come back with messages in the user's language and nothing typed lost", async () => {
  const c = await personalised({ days: [{ steps: [{ type: "THEORY" }] }] });
  const ru = await post(lena, formPath(c), {
    learnerName: "Л".repeat(61),
    petName: "",
    petGenitive: "Ре{кс",
    petDative: "Рексу",
  }, "ru");
  assertEquals(ru.status, 422);
  const html = await ru.text();
  assertStringIncludes(html, "Укажите имя: от 1 до 60\u00a0символов");
  assertStringIncludes(html, "Выберите пол");
  assertStringIncludes(html, "Не длиннее 50\u00a0символов, без фигурных скобок");
  assertStringIncludes(html, `value="${"Л".repeat(61)}"`);
  assertStringIncludes(html, 'value="Рексу"');
  assertEquals(await valuesOf(lena.id, c.courseId), undefined, "nothing saved");

  const en = await post(lena, formPath(c), { learnerName: "Lena", gender: "female" }, "en");
  assertEquals(en.status, 422);
  const enHtml = await en.text();
  assertStringIncludes(enHtml, "Enter the pet's name: 1 to 50\u00a0characters");
  assertStringIncludes(enHtml, 'value="Lena"');
  assertMatch(enHtml, /value="female"[^>]*checked/);
});

Deno.test("the day page substitutes the learner's values, escaped for Markdown and HTML", async () => {
  const c = await personalised({
    days: [{
      title: "День с {{petName:instrumental}}",
      steps: [{
        type: "THEORY",
        title: "{{userName}} и {{petName}}",
        description: "**Позовите** {{petName:accusative}}. Вы {{gender:готов|готова}}? " +
          "Это {{petGender:мальчик|девочка}}. {{dogName}} и {{**bold**}}",
      }],
    }],
  });
  const kira = await signIn(t, "kira", "USER");
  await post(kira, formPath(c), {
    learnerName: "**x** [a](javascript:x)",
    gender: "female",
    petName: "<script>alert(1)</script>",
    petGender: "female",
    petAccusative: "<img src=x onerror=alert(2)>",
    petInstrumental: "Рексом",
  });
  const res = await kira.fetch(dayUrl(c));
  assertEquals(res.status, 200, "unknown placeholders never break the page");
  const html = await res.text();
  assertStringIncludes(html, "День с Рексом");
  assertStringIncludes(html, "<strong>Позовите</strong>");
  assert(!html.includes("<script>alert"), "no script from a pet's name");
  assert(!html.includes("<img src=x"), "no tag from a case form");
  assertStringIncludes(html, "&lt;img src=x onerror=alert(2)&gt;");
  // The title is plain text: JSX escapes it, no Markdown is applied.
  assertStringIncludes(html, "**x** [a](javascript:x) и &lt;script>alert(1)&lt;/script>");
  assert(!html.includes('href="javascript'), "no link from a learner's name");
  assertStringIncludes(html, "Вы готова?");
  assertStringIncludes(html, "Это девочка.");
  assertStringIncludes(html, "{{dogName}}", "an unknown placeholder is shown as typed");
  assertStringIncludes(html, "{{**bold**}}");
  assert(!html.includes("<strong>bold</strong>"));

  // The outline (course page and API) uses the same values for day titles.
  assertStringIncludes(await (await kira.fetch(`/courses/${c.slug}`)).text(), "День с Рексом");
  const api = await (await kira.fetch(`/api/v1/courses/${c.slug}`)).json();
  assertEquals(api.course.days[0].title, "День с Рексом");
});

Deno.test("without values (a course that is not personalised) neutral words stand in, in the learner's language", async () => {
  const c = await makeCourse(t, {
    author: "anna",
    days: [{
      title: "Прогулка с {{petName:instrumental}}",
      steps: [{
        type: "THEORY",
        title: "Привет, {{userName}}",
        description: "Погладьте {{petName:accusative}}, вы {{gender:молодец|умница}}",
        checklistItems: ["Позовите {{petName:accusative}}", "<b>{{userName}}</b> хвалит"],
      }],
    }],
  });
  const ru = await (await lena.fetch(dayUrl(c))).text();
  assertStringIncludes(ru, "Прогулка с вашей собакой");
  assertStringIncludes(ru, "Привет, lena");
  assertStringIncludes(ru, "Погладьте вашу собаку, вы молодец");
  // The checklist learners go through is personalised too, as escaped plain text.
  assertStringIncludes(ru, "<li>Позовите вашу собаку</li>");
  assertStringIncludes(ru, "<li>&lt;b>lena&lt;/b> хвалит</li>");
  const en = await (await t.fetch(dayUrl(c), { headers: lena.headers({ cookie: "lang=en" }) }))
    .text();
  assertStringIncludes(en, "Погладьте your dog");
  // A visitor's outline: the neutral words too.
  assertStringIncludes(
    await (await t.fetch(`/courses/${c.slug}`)).text(),
    "Прогулка с вашей собакой",
  );
});

Deno.test("one learner can neither read nor change another learner's values", async () => {
  const c = await personalised({ days: [{ steps: [{ type: "THEORY", title: "{{petName}}" }] }] });
  await post(lena, formPath(c), { learnerName: "Лена", gender: "female", petName: "Секрет" });
  const lenaPet = newId();
  await db.insertInto("pets").values({ id: lenaPet, owner_id: lena.id, name: "Лайка" }).execute();

  // Petr's form shows his own prefill, never Lena's values.
  const form = await (await petr.fetch(formPath(c))).text();
  assert(!form.includes("Секрет"), "another learner's pet name is not shown");
  assert(!form.includes('value="Лена"'));
  // Petr is still asked for his own values.
  assertEquals((await petr.fetch(dayUrl(c))).status, 303);

  // Extra fields cannot aim the write at someone else; another's pet id is refused.
  const hijack = await post(petr, formPath(c), {
    learnerName: "Пётр",
    gender: "male",
    petName: "Бим",
    user_id: lena.id,
    userId: lena.id,
  });
  assertEquals(hijack.status, 303);
  const stolenPet = await post(petr, formPath(c), {
    learnerName: "Пётр",
    gender: "male",
    petId: lenaPet,
  }, "en");
  assertEquals(stolenPet.status, 422);
  assertStringIncludes(await stolenPet.text(), "Choose one of your own pets");
  assertEquals((await valuesOf(lena.id, c.courseId))!.pet_name, "Секрет");
  assertEquals((await valuesOf(petr.id, c.courseId))!.pet_name, "Бим");

  // Each sees their own values on the day page.
  assertStringIncludes(await (await lena.fetch(dayUrl(c))).text(), "Секрет");
  const petrDay = await (await petr.fetch(dayUrl(c))).text();
  assertStringIncludes(petrDay, "Бим");
  assert(!petrDay.includes("Секрет"));
});

Deno.test("a course the learner may not see has no personalisation form (404)", async () => {
  const c = await makeCourse(t, {
    author: "anna",
    access: "PRIVATE",
    days: [{ steps: [{ type: "THEORY" }] }],
  });
  assertEquals((await lena.fetch(formPath(c))).status, 404);
  const res = await post(lena, formPath(c), {
    learnerName: "Лена",
    gender: "female",
    petName: "Р",
  });
  assertEquals(res.status, 404);
  assertEquals(await valuesOf(lena.id, c.courseId), undefined);
});

Deno.test("the learner's notification about a finished timer names the step with their values", async () => {
  const c = await personalised({
    days: [{ steps: [{ type: "TRAINING", title: "Сидеть, {{petName}}!", durationSec: 60 }] }],
  });
  const vera = await signIn(t, "vera", "USER");
  await post(vera, formPath(c), { learnerName: "Вера", gender: "female", petName: "Рекс" });
  const [timer] = await openDayAs(t, vera, c);
  assertEquals((await act(vera, timer, "start")).status, 200);
  await age(t, timer, 120_000);
  // The day page completes a timer whose time ran out, with its notification.
  assertEquals((await vera.fetch(dayUrl(c))).status, 200);
  const notes = await db.selectFrom("notifications").select(["title", "body"])
    .where("user_id", "=", vera.id).execute();
  const text = notes.map((n) => `${n.title} ${n.body}`).join("\n");
  assertStringIncludes(text, "Сидеть, Рекс!");
  assert(!text.includes("{{petName}}"), text);
});

Deno.test("the diary's list of days shows personalised day titles", async () => {
  const c = await personalised({
    days: [
      { title: "Дневник {{petName:genitive}}", steps: [{ type: "DIARY" }] },
      { title: "Второй день", steps: [{ type: "DIARY" }] },
    ],
  });
  const zoya = await signIn(t, "zoya", "USER");
  await post(zoya, formPath(c), {
    learnerName: "Зоя",
    gender: "female",
    petName: "Рекс",
    petGenitive: "Рекса",
  });
  const saved = await post(zoya, dayUrl(c), {
    _action: "diary",
    step: c.days[0].stepOnDayIds[0],
    content: "Сегодня всё получилось",
  });
  assertEquals(saved.status, 303);
  // The next day lists the earlier entries under their days' titles.
  const html = await (await zoya.fetch(dayUrl(c, 1))).text();
  assertStringIncludes(html, "Сегодня всё получилось");
  assertStringIncludes(html, "Дневник Рекса");
  assert(!html.includes("{{petName"), "no raw placeholder anywhere on the page");
});
