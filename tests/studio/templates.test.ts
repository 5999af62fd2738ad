/**
 * The template library (`/studio/templates`): the original's categories are
 * seeded; the library is grouped by category and searchable (title,
 * description, tags) with a category filter; using a template copies it into
 * the trainer's own new step and counts each use once (also under concurrent
 * uses); any trainer saves their step as a template; removal by the author or
 * staff only (another trainer: 403); categories are ADMIN's alone; a learner
 * gets 403 and a visitor is sent to login.
 */
import { openTestApp } from "../helpers/app.ts";
import { postForm, type Session, signIn } from "../helpers/session.ts";
import { assert, assertEquals, assertMatch, assertStringIncludes } from "../helpers/assert.ts";
import { json } from "@/db/connection.ts";
import { newId } from "@/platform/ids.ts";
import { ORIGINAL_CATEGORIES } from "@/db/migrations/0007_templates.ts";

const t = await openTestApp();
globalThis.addEventListener("unload", () => t.close());
const db = t.services.db;

const anna = await signIn(t, "anna", "TRAINER");
const boris = await signIn(t, "boris", "TRAINER");
const moder = await signIn(t, "moder", "MODERATOR");
const admin = await signIn(t, "root", "ADMIN");
const lena = await signIn(t, "lena", "USER");

function post(who: Session, path: string, fields: Record<string, string>, lang?: "ru" | "en") {
  return postForm(t, who, path, fields, lang);
}

async function categoryId(name: string): Promise<string> {
  return (await db.selectFrom("step_categories").select("id").where("name", "=", name)
    .executeTakeFirstOrThrow()).id;
}

async function newStep(author: Session, title: string, extra: Record<string, string> = {}) {
  const res = await post(author, "/studio/steps/new", { title, type: "THEORY", ...extra });
  assertEquals(res.status, 303);
  return res.headers.get("location")!.split("/")[3].split("?")[0];
}

/** Saves a step as a template through the form; returns the template's id. */
async function saveTemplate(who: Session, stepId: string, fields: Record<string, string>) {
  const res = await post(who, `/studio/templates/new?step=${stepId}`, fields);
  assertEquals(res.status, 303, await res.clone().text().then((s) => s.slice(0, 300)));
  const loc = res.headers.get("location")!;
  assertMatch(loc, /^\/studio\/templates\/[^/?]+\?done=saved$/);
  return loc.split("/")[3].split("?")[0];
}

async function usage(id: string): Promise<number> {
  return (await db.selectFrom("step_templates").select("usage_count").where("id", "=", id)
    .executeTakeFirstOrThrow()).usage_count;
}

Deno.test("the original's categories are seeded", async () => {
  const names = (await db.selectFrom("step_categories").select("name").execute()).map((r) =>
    r.name
  );
  for (const c of ORIGINAL_CATEGORIES) assert(names.includes(c.name), c.name);
  assert(names.includes("Неподбор"));
});

Deno.test("the library is grouped by category and searchable by title, description and tags", async () => {
  const step1 = await newStep(anna, "Ходьба у ноги", { description: "Идём **рядом**" });
  const step2 = await newStep(anna, "Выдержка на месте", { description: "Собака ждёт" });
  const step3 = await newStep(anna, "Без категории шаг", { description: "текст" });
  await saveTemplate(anna, step1, { categoryId: await categoryId("Движение"), tags: "рядом" });
  await saveTemplate(anna, step2, {
    categoryId: await categoryId("Статика"),
    tags: "выдержка, Терпение",
  });
  await saveTemplate(anna, step3, { categoryId: "", tags: "" });

  const html = await (await boris.fetch("/studio/templates")).text();
  const move = html.indexOf(">🐾 Движение<");
  const stat = html.indexOf(">🧘 Статика<");
  const none = html.lastIndexOf(">Без категории<");
  assert(move > 0 && stat > move && none > stat, "groups in library order, no category last");
  assert(html.indexOf("Ходьба у ноги") > move && html.indexOf("Ходьба у ноги") < stat);
  assert(html.indexOf("Выдержка на месте") > stat && html.indexOf("Выдержка на месте") < none);
  assert(html.indexOf("Без категории шаг") > none);

  // Title, description, tags (case-insensitive).
  const byTitle = await (await boris.fetch("/studio/templates?q=ходьба")).text();
  assertStringIncludes(byTitle, "Ходьба у ноги");
  assert(!byTitle.includes("Выдержка на месте"));
  const byDescription = await (await boris.fetch("/studio/templates?q=собака%20ждёт")).text();
  assertStringIncludes(byDescription, "Выдержка на месте");
  assert(!byDescription.includes("Ходьба у ноги"));
  const byTag = await (await boris.fetch("/studio/templates?q=терпение")).text();
  assertStringIncludes(byTag, "Выдержка на месте");
  assert(!byTag.includes("Ходьба у ноги"));
  const nothing = await (await boris.fetch("/studio/templates?q=zzzнет")).text();
  assertStringIncludes(nothing, "Ничего не найдено.");

  // Category filter, and "no category".
  const filtered =
    await (await boris.fetch(`/studio/templates?category=${await categoryId("Статика")}`))
      .text();
  assertStringIncludes(filtered, "Выдержка на месте");
  assert(!filtered.includes("Ходьба у ноги"));
  const noCat = await (await boris.fetch("/studio/templates?category=none")).text();
  assertStringIncludes(noCat, "Без категории шаг");
  assert(!noCat.includes("Выдержка на месте"));
});

Deno.test("using a template creates the trainer's own step with its content and counts the use once", async () => {
  const src = await newStep(anna, "Подзыв с игрушкой", {
    type: "PRACTICE",
    description: "Позовите **собаку**",
    checklistItems: "Игрушка\nЛакомство",
    estimatedMinutes: "7",
  });
  const tpl = await saveTemplate(anna, src, { categoryId: await categoryId("Подзыв") });
  assertEquals(await usage(tpl), 0);

  // The preview renders the Markdown through the learners' sanitizer.
  const preview = await (await boris.fetch(`/studio/templates/${tpl}`)).text();
  assertStringIncludes(preview, "<strong>собаку</strong>");
  assertStringIncludes(preview, "Игрушка");

  const res = await post(boris, `/studio/templates/${tpl}`, { _action: "use" });
  assertEquals(res.status, 303);
  const loc = res.headers.get("location")!;
  assertMatch(loc, /^\/studio\/steps\/[^/?]+\?done=created$/);
  const stepId = loc.split("/")[3].split("?")[0];
  const step = await db.selectFrom("steps").selectAll().where("id", "=", stepId)
    .executeTakeFirstOrThrow();
  assertEquals(step.author_id, boris.id);
  assertEquals(step.title, "Подзыв с игрушкой");
  assertEquals(step.type, "PRACTICE");
  assertEquals(step.description, "Позовите **собаку**");
  assertEquals(step.checklist_items, ["Игрушка", "Лакомство"]);
  assertEquals(step.estimated_duration_sec, 420);
  assertEquals(await usage(tpl), 1);

  // The new step is boris's: he opens it in the editor; anna does not see it.
  assertEquals((await boris.fetch(loc)).status, 200);
  const annaView = await anna.fetch(`/studio/steps/${stepId}`);
  assertEquals(annaView.status, 404);
  await annaView.body?.cancel();

  // Two uses at once: two steps, the count goes up by exactly two.
  const [a, b] = await Promise.all([
    post(boris, `/studio/templates/${tpl}`, { _action: "use" }),
    post(anna, `/studio/templates/${tpl}`, { _action: "use" }),
  ]);
  assertEquals([a.status, b.status], [303, 303]);
  assert(a.headers.get("location") !== b.headers.get("location"));
  assertEquals(await usage(tpl), 3);
  const copies = await db.selectFrom("steps").select("author_id")
    .where("title", "=", "Подзыв с игрушкой").execute();
  assertEquals(copies.length, 4); // the source and three copies

  // An unknown template: 404, and nothing is created.
  const unknown = await post(boris, `/studio/templates/${newId()}`, { _action: "use" });
  assertEquals(unknown.status, 404);
  await unknown.body?.cancel();
});

Deno.test("save as template: the step editor has the form; it copies the step; bad input keeps what was typed", async () => {
  const src = await newStep(boris, "Неподбор корма", {
    type: "TRAINING",
    duration: "01:30",
    description: "Не берём с земли",
  });
  const editor = await (await boris.fetch(`/studio/steps/${src}`)).text();
  assertStringIncludes(editor, `action="/studio/templates/new?step=${src}"`);
  assertStringIncludes(editor, 'for="tpl-categoryId"');
  assertStringIncludes(editor, "Неподбор</option>");

  const tooMany = Array.from({ length: 11 }, (_, i) => `тег${i}`).join(", ");
  const ru = await post(boris, `/studio/templates/new?step=${src}`, { tags: tooMany }, "ru");
  assertEquals(ru.status, 422);
  const ruHtml = await ru.text();
  assertStringIncludes(ruHtml, "Не больше 10\u00a0тегов");
  assertStringIncludes(ruHtml, `value="${tooMany}"`);
  const en = await post(boris, `/studio/templates/new?step=${src}`, {
    categoryId: newId(),
    tags: "ok",
  }, "en");
  assertEquals(en.status, 422);
  const enHtml = await en.text();
  assertStringIncludes(enHtml, "Choose a category from the list");
  assertStringIncludes(enHtml, 'value="ok"');

  const id = await saveTemplate(boris, src, {
    categoryId: await categoryId("Неподбор"),
    tags: " земля,  Земля , корм ",
  });
  const tpl = await db.selectFrom("step_templates").selectAll().where("id", "=", id)
    .executeTakeFirstOrThrow();
  assertEquals(tpl.author_id, boris.id);
  assertEquals(tpl.title, "Неподбор корма");
  assertEquals(tpl.type, "TRAINING");
  assertEquals(tpl.duration_sec, 90);
  assertEquals(tpl.description, "Не берём с земли");
  assertEquals(tpl.tags, ["земля", "корм"]);
  assertEquals(tpl.usage_count, 0);

  // Another trainer's step cannot be saved: 404, as in the step editor.
  const foreign = await post(anna, `/studio/templates/new?step=${src}`, { tags: "x" });
  assertEquals(foreign.status, 404);
  await foreign.body?.cancel();
  const foreignForm = await anna.fetch(`/studio/templates/new?step=${src}`);
  assertEquals(foreignForm.status, 404);
  await foreignForm.body?.cancel();
});

Deno.test("a trainer cannot remove another trainer's template (403); the author, a moderator and an admin can", async () => {
  const make = async (title: string) =>
    await saveTemplate(anna, await newStep(anna, title), { categoryId: "" });
  const t1 = await make("Шаблон Анны 1");
  const t2 = await make("Шаблон Анны 2");
  const t3 = await make("Шаблон Анны 3");

  const page = await (await boris.fetch(`/studio/templates/${t1}`)).text();
  assert(!page.includes('value="remove"'), "no remove button for another trainer");
  const attempts: Record<string, string>[] = [{ _action: "remove" }, {
    _action: "remove",
    confirm: "1",
  }];
  for (const fields of attempts) {
    const res = await post(boris, `/studio/templates/${t1}`, fields);
    assertEquals(res.status, 403);
    await res.body?.cancel();
  }
  assertEquals(await usage(t1), 0); // still there

  // The author: a confirmation first, then removal.
  const ask = await post(anna, `/studio/templates/${t1}`, { _action: "remove" });
  assertEquals(ask.status, 200);
  assertStringIncludes(await ask.text(), "Удалить шаблон?");
  const gone = await post(anna, `/studio/templates/${t1}`, { _action: "remove", confirm: "1" });
  assertEquals(gone.status, 303);
  assertEquals(gone.headers.get("location"), "/studio/templates?done=removed");

  for (const [who, id] of [[moder, t2], [admin, t3]] as const) {
    const res = await post(who, `/studio/templates/${id}`, { _action: "remove", confirm: "1" });
    assertEquals(res.status, 303, who.username);
  }
  const left = await db.selectFrom("step_templates").select("id").where("id", "in", [t1, t2, t3])
    .execute();
  assertEquals(left.length, 0);
  const again = await anna.fetch(`/studio/templates/${t1}`);
  assertEquals(again.status, 404);
  await again.body?.cancel();
});

Deno.test("categories: only an admin creates, renames and deletes (empty ones only)", async () => {
  for (const who of [anna, moder]) {
    const page = await who.fetch("/studio/templates/categories");
    assertEquals(page.status, 403, who.username);
    await page.body?.cancel();
    const create = await post(who, "/studio/templates/categories", {
      _action: "create",
      name: "Чужая",
    });
    assertEquals(create.status, 403, who.username);
    await create.body?.cancel();
  }
  assertEquals(
    (await db.selectFrom("step_categories").select("id").where("name", "=", "Чужая").execute())
      .length,
    0,
  );

  const created = await post(admin, "/studio/templates/categories", {
    _action: "create",
    name: "  Игры  ",
    description: "Игры с собакой",
    icon: "🎾",
  });
  assertEquals(created.status, 303);
  const id = await categoryId("Игры");

  // A duplicate name (any case) and an empty one come back with messages and the typed values.
  const dup = await post(admin, "/studio/templates/categories", {
    _action: "create",
    name: "игры",
    description: "моё описание",
  }, "ru");
  assertEquals(dup.status, 422);
  const dupHtml = await dup.text();
  assertStringIncludes(dupHtml, "Категория с таким названием уже есть");
  assertStringIncludes(dupHtml, "моё описание");
  const empty = await post(admin, "/studio/templates/categories", {
    _action: "rename",
    id,
    name: "  ",
  }, "en");
  assertEquals(empty.status, 422);
  assertStringIncludes(await empty.text(), "1 to 100\u00a0characters");

  const renamed = await post(admin, "/studio/templates/categories", {
    _action: "rename",
    id,
    name: "Игры и апорт",
  });
  assertEquals(renamed.status, 303);
  assertEquals(await categoryId("Игры и апорт"), id);

  // Not empty: refused with 409; empty: deleted.
  const tpl = await saveTemplate(anna, await newStep(anna, "Апорт"), { categoryId: id });
  const refused = await post(admin, "/studio/templates/categories", { _action: "delete", id });
  assertEquals(refused.status, 409);
  assertStringIncludes(await refused.text(), "В категории есть шаблоны");
  await post(admin, `/studio/templates/${tpl}`, { _action: "remove", confirm: "1" });
  const deleted = await post(admin, "/studio/templates/categories", { _action: "delete", id });
  assertEquals(deleted.status, 303);
  assertEquals(
    (await db.selectFrom("step_categories").select("id").where("id", "=", id).execute()).length,
    0,
  );
});

Deno.test("access: a learner gets 403 on every template page; a visitor is sent to login", async () => {
  const stepId = await newStep(anna, "Для доступа");
  const tpl = await saveTemplate(anna, stepId, { categoryId: "" });
  await db.updateTable("step_templates").set({ tags: json(["доступ"]) }).where("id", "=", tpl)
    .execute();
  const paths = [
    "/studio/templates",
    `/studio/templates/${tpl}`,
    `/studio/templates/new?step=${stepId}`,
    "/studio/templates/categories",
  ];
  for (const path of paths) {
    const res = await lena.fetch(path);
    assertEquals(res.status, 403, path);
    await res.body?.cancel();
    const anon = await t.fetch(path);
    assertEquals(anon.status, 303, path);
    assertMatch(anon.headers.get("location") ?? "", /^\/login\?next=/);
  }
  const use = await post(lena, `/studio/templates/${tpl}`, { _action: "use" });
  assertEquals(use.status, 403);
  await use.body?.cancel();
  assertEquals(await usage(tpl), 0);

  // The studio menu links the library.
  assertStringIncludes(await (await anna.fetch("/studio")).text(), 'href="/studio/templates"');
});
