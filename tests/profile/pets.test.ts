/**
 * Pets through the pages (no-JS multipart forms) and through /api/v1:
 * validation, photos in storage, and that one learner can never read,
 * change or delete another learner's pet or photo.
 */
import { openTestApp } from "../helpers/app.ts";
import { type Session, signIn } from "../helpers/session.ts";
import { assert, assertEquals, assertMatch, assertStringIncludes } from "../helpers/assert.ts";
import { form, makePng, pngLikeStream } from "./fixtures.ts";
import { petCreateSchema } from "@/core/pets.ts";

const t = await openTestApp();
globalThis.addEventListener("unload", () => t.close());

const storage = t.services.storage;

/** A multipart page form as a browser sends it: CSRF token in the action URL. */
function postForm(who: Session, path: string, body: FormData, headers?: HeadersInit) {
  return t.fetch(`${path}?_csrf=${encodeURIComponent(who.csrf)}`, {
    method: "POST",
    body,
    headers: who.headers(headers),
  });
}

function apiJson(who: Session, path: string, method: string, body: unknown) {
  return who.fetch(path, {
    method,
    body: JSON.stringify(body),
    headers: { "content-type": "application/json" },
  });
}

const REX = {
  name: "Рекс",
  type: "DOG",
  breed: "Немецкая овчарка",
  birthDate: "05.03.2020",
  heightCm: "62",
  weightKg: "34,5",
  notes: "Боится пылесоса",
};

async function petRow(id: string) {
  return await t.services.db.selectFrom("pets").selectAll().where("id", "=", id)
    .executeTakeFirst();
}

async function keys(prefix: string) {
  return (await storage.list(prefix)).map((o) => o.key);
}

async function apiPetWithPhoto(who: Session, name: string) {
  const res = await apiJson(who, "/api/v1/pets", "POST", {
    name,
    type: "CAT",
    breed: "Сиамская",
    birthDate: "2019-07-01",
  });
  assertEquals(res.status, 201);
  const { pet } = await res.json();
  const photo = await who.fetch(`/api/v1/pets/${pet.id}/photo`, {
    method: "PUT",
    body: await makePng(6, 6, [10, 200, 30]),
    headers: { "content-type": "image/png" },
  });
  assertEquals(photo.status, 200);
  return (await photo.json()).pet as { id: string; photoUrl: string; name: string };
}

Deno.test("a learner adds, views, edits and deletes a pet through the pages; photo files follow", async () => {
  const alice = await signIn(t, "alice");
  const png1 = await makePng(4, 4, [255, 0, 0]);
  const created = await postForm(
    alice,
    "/profile/pets/new",
    form(REX, { field: "photo", name: "rex.png", type: "image/png", bytes: png1 }),
  );
  assertEquals(created.status, 303);
  const location = created.headers.get("location")!;
  const id = /^\/profile\/pets\/([0-9a-f-]{36})\?done=created$/.exec(location)?.[1];
  assert(id, location);
  const row = await petRow(id);
  assert(row);
  assertEquals(row.owner_id, alice.id);
  assertEquals(row.birth_date, "2020-03-05");
  assertEquals(row.weight_kg, 34.5);
  assertMatch(row.photo_key!, new RegExp(`^users/${alice.id}/pets/${id}/[0-9a-f]{32}\\.png$`));
  const firstKey = row.photo_key!;

  const view = await alice.fetch(location);
  assertEquals(view.status, 200);
  const html = await view.text();
  assertStringIncludes(html, "Питомец добавлен");
  assertStringIncludes(html, "<h1>Рекс</h1>");
  assertStringIncludes(html, "Немецкая овчарка");
  assertStringIncludes(html, `src="/media/${firstKey}"`);
  const media = await alice.fetch(`/media/${firstKey}`);
  assertEquals(media.status, 200);
  assertEquals(media.headers.get("content-type"), "image/png");
  assertEquals(new Uint8Array(await media.arrayBuffer()), png1);

  // The profile lists it, linking to the pet.
  assertStringIncludes(await (await alice.fetch("/profile")).text(), `href="/profile/pets/${id}"`);

  // Edit: new photo → the old file is gone.
  const edit = await alice.fetch(`/profile/pets/${id}/edit`);
  assertEquals(edit.status, 200);
  const editHtml = await edit.text();
  assertStringIncludes(editHtml, 'value="05.03.2020"');
  assertStringIncludes(editHtml, 'enctype="multipart/form-data"');
  const png2 = await makePng(5, 5, [0, 0, 255]);
  const saved = await postForm(
    alice,
    `/profile/pets/${id}/edit`,
    form({ ...REX, name: "Рекс Второй", weightKg: "" }, {
      field: "photo",
      name: "new.png",
      type: "image/png",
      bytes: png2,
    }),
  );
  assertEquals(saved.status, 303);
  assertEquals(saved.headers.get("location"), `/profile/pets/${id}?done=saved`);
  const after = await petRow(id);
  assertEquals(after?.name, "Рекс Второй");
  assertEquals(after?.weight_kg, null, "a blank optional field is cleared");
  assert(after?.photo_key && after.photo_key !== firstKey);
  assertEquals(await storage.head(firstKey), null, "the replaced photo is deleted");
  assertEquals(await keys(`users/${alice.id}/pets/${id}/`), [after.photo_key]);

  // Edit without a file keeps the photo; "remove photo" drops it.
  await postForm(alice, `/profile/pets/${id}/edit`, form({ ...REX, notes: "" }));
  assertEquals((await petRow(id))?.photo_key, after.photo_key);
  await postForm(alice, `/profile/pets/${id}/edit`, form({ ...REX, removePhoto: "on" }));
  assertEquals((await petRow(id))?.photo_key, null);
  assertEquals(await keys(`users/${alice.id}/pets/${id}/`), []);

  // Delete (with a photo again, which must go too).
  await postForm(
    alice,
    `/profile/pets/${id}/edit`,
    form(REX, { field: "photo", name: "x.png", type: "image/png", bytes: png1 }),
  );
  assertEquals((await keys(`users/${alice.id}/pets/${id}/`)).length, 1);
  const del = await alice.post(`/profile/pets/${id}/delete`, {});
  assertEquals(del.status, 303);
  assertEquals(del.headers.get("location"), "/profile?done=petDeleted");
  assertEquals(await petRow(id), undefined);
  assertEquals(await keys(`users/${alice.id}/pets/${id}/`), []);
  assertEquals((await alice.fetch(`/profile/pets/${id}`)).status, 404);
});

Deno.test("validation errors show next to the fields (page, 422) and as {fields} (API, 400)", async () => {
  const carol = await signIn(t, "carol");
  const res = await postForm(
    carol,
    "/profile/pets/new",
    form(
      {
        name: "R2",
        type: "DOG",
        breed: "x",
        birthDate: "31.02.2020",
        heightCm: "0",
        weightKg: "500",
        notes: "",
      },
      { field: "photo", name: "ok.png", type: "image/png", bytes: await makePng() },
    ),
  );
  assertEquals(res.status, 422);
  const html = await res.text();
  for (
    const msg of [
      ["name", "От 2 до 50\u00a0букв (русских или латинских), пробел и дефис"],
      ["breed", "От 2 до 50\u00a0символов"],
      [
        "birthDate",
        "Дата в формате ДД.ММ.ГГГГ, не раньше 1990\u00a0года и не позже сегодняшнего дня",
      ],
      ["heightCm", "Число от 1 до 200"],
      ["weightKg", "Число от 0,1 до 200"],
    ]
  ) assertStringIncludes(html, `<p class="field-error" id="${msg[0]}-error">${msg[1]}</p>`);
  // The summary names each field once, linking to it.
  assertStringIncludes(html, '<a href="#heightCm">Рост в холке, см: Число от 1 до 200</a>');
  assertMatch(html, /id="name"[^>]*aria-invalid="true"|aria-invalid="true"[^>]*id="name"/);
  assertStringIncludes(html, 'value="R2"', "the typed values come back");
  assertStringIncludes(html, 'value="31.02.2020"');
  // The photo of a refused form is not kept.
  assertEquals(await keys(`users/${carol.id}/`), []);
  assertEquals(
    (await t.services.db.selectFrom("pets").select("id").where("owner_id", "=", carol.id).execute())
      .length,
    0,
  );

  const api = await apiJson(carol, "/api/v1/pets", "POST", {
    name: "Rex",
    type: "HAMSTER",
    birthDate: "2099-01-01",
    weightKg: 0,
  });
  assertEquals(api.status, 400);
  const body = await api.json();
  assertEquals(body.error, "invalid");
  assertEquals(Object.keys(body.fields).sort(), ["birthDate", "breed", "type", "weightKg"]);
  assertEquals(body.fields.type, "Выберите: собака или кошка");
  assertEquals(body.fields.breed, "Заполните это поле");

  // PATCH with an empty name is refused too, and nothing changes.
  const ok = await apiJson(carol, "/api/v1/pets", "POST", { ...REX, weightKg: 30 });
  const { pet } = await ok.json();
  const bad = await apiJson(carol, `/api/v1/pets/${pet.id}`, "PATCH", { name: "", notes: "x" });
  assertEquals(bad.status, 400);
  assertEquals(
    (await bad.json()).fields.name,
    "От 2 до 50\u00a0букв (русских или латинских), пробел и дефис",
  );
  assertEquals((await petRow(pet.id))?.notes, REX.notes);
});

Deno.test("a non-image or an oversized photo is refused with a clear message; nothing is kept", async () => {
  const dave = await signIn(t, "dave");
  // A text file named .jpg, sent as image/jpeg.
  const res = await postForm(
    dave,
    "/profile/pets/new",
    form(REX, {
      field: "photo",
      name: "photo.jpg",
      type: "image/jpeg",
      bytes: new TextEncoder().encode("I am not a picture, honest"),
    }),
  );
  assertEquals(res.status, 415);
  const html = await res.text();
  assertStringIncludes(html, "Это не изображение (нужен JPEG, PNG или WebP)");
  assertStringIncludes(html, 'value="Немецкая овчарка"', "the other fields are kept");
  assertEquals(await keys(`users/${dave.id}/`), []);
  assertEquals(
    (await t.services.db.selectFrom("pets").select("id").where("owner_id", "=", dave.id).execute())
      .length,
    0,
  );

  // API: raw text claiming to be a JPEG.
  const created = await apiJson(dave, "/api/v1/pets", "POST", REX);
  const { pet } = await created.json();
  const notImage = await dave.fetch(`/api/v1/pets/${pet.id}/photo`, {
    method: "PUT",
    body: "GIF89a but actually text",
    headers: { "content-type": "image/jpeg" },
  });
  assertEquals(notImage.status, 415);
  assertEquals(await notImage.json(), {
    error: "not_image",
    message: "Это не изображение (нужен JPEG, PNG или WebP)",
    fields: { photo: "Это не изображение (нужен JPEG, PNG или WebP)" },
  });

  // API: 10 MB + 1 byte, streamed (no Content-Length): cut off while streaming.
  const tooBig = await dave.fetch(`/api/v1/pets/${pet.id}/photo`, {
    method: "PUT",
    body: pngLikeStream(10 * 1024 * 1024 + 1),
    headers: { "content-type": "image/png" },
  });
  assertEquals(tooBig.status, 413);
  assertEquals((await tooBig.json()).message, "Файл слишком большой (максимум 10\u00a0МБ)");
  // The same through a page form, in English.
  const big = new Uint8Array(10 * 1024 * 1024 + 1);
  big.set(await makePng());
  const page = await postForm(
    dave,
    `/profile/pets/${pet.id}/edit`,
    form(REX, { field: "photo", name: "big.png", type: "image/png", bytes: big }),
    { cookie: "lang=en" },
  );
  assertEquals(page.status, 413);
  assertStringIncludes(await page.text(), "The file is too large (max 10\u00a0MB)");
  assertEquals(await keys(`users/${dave.id}/`), []);
  assertEquals((await petRow(pet.id))?.photo_key, null);
});

Deno.test("learner A can neither read, edit nor delete learner B's pet or photo (pages and API)", async () => {
  const alice = await signIn(t, "alice");
  const bob = await signIn(t, "bob");
  const pet = await apiPetWithPhoto(bob, "Барсик");
  const before = await petRow(pet.id);
  const bobFiles = await keys(`users/${bob.id}/`);
  assertEquals(bobFiles.length, 1);
  const photoPath = pet.photoUrl;

  // Pages.
  assertEquals((await alice.fetch(`/profile/pets/${pet.id}`)).status, 404);
  assertEquals((await alice.fetch(`/profile/pets/${pet.id}/edit`)).status, 404);
  const edit = await postForm(
    alice,
    `/profile/pets/${pet.id}/edit`,
    form({ ...REX, name: "Украден" }, {
      field: "photo",
      name: "evil.png",
      type: "image/png",
      bytes: await makePng(),
    }),
  );
  assertEquals(edit.status, 404);
  assertEquals((await alice.post(`/profile/pets/${pet.id}/delete`, {})).status, 404);
  const profile = await (await alice.fetch("/profile")).text();
  assert(!profile.includes("Барсик"), "B's pet is not on A's profile");

  // API.
  assertEquals((await alice.fetch(`/api/v1/pets/${pet.id}`)).status, 404);
  const patch = await apiJson(alice, `/api/v1/pets/${pet.id}`, "PATCH", { name: "Украден" });
  assertEquals(patch.status, 404);
  assertEquals((await patch.json()).error, "not_found");
  assertEquals((await alice.fetch(`/api/v1/pets/${pet.id}`, { method: "DELETE" })).status, 404);
  const put = await alice.fetch(`/api/v1/pets/${pet.id}/photo`, {
    method: "PUT",
    body: await makePng(),
    headers: { "content-type": "image/png" },
  });
  assertEquals(put.status, 404);
  assertEquals(
    (await alice.fetch(`/api/v1/pets/${pet.id}/photo`, { method: "DELETE" })).status,
    404,
  );
  const list = await (await alice.fetch("/api/v1/pets")).json();
  assert(!list.pets.some((p: { id: string }) => p.id === pet.id));

  // The photo itself: B's profile is private.
  assertEquals((await alice.fetch(photoPath)).status, 404);
  assertEquals((await t.fetch(photoPath)).status, 404);
  assertEquals((await bob.fetch(photoPath)).status, 200);

  // Nothing of B's changed; nothing was stored for A's attempts.
  assertEquals(await petRow(pet.id), before);
  assertEquals(await keys(`users/${bob.id}/`), bobFiles);
  assertEquals((await keys(`users/${alice.id}/`)).filter((k) => k.includes(pet.id)), []);
  // A visitor is sent to log in, not shown anything.
  const anon = await t.fetch(`/profile/pets/${pet.id}`);
  assertEquals(anon.status, 303);
  assertMatch(anon.headers.get("location")!, /^\/login\?next=/);
  assertEquals((await t.fetch(`/api/v1/pets/${pet.id}`)).status, 401);
});

Deno.test("API: photo replacement deletes the old file; PATCH changes fields; DELETE removes pet and photo", async () => {
  const erin = await signIn(t, "erin");
  const pet = await apiPetWithPhoto(erin, "Мурка");
  const oldKey = pet.photoUrl.replace(/^\/media\//, "");
  assert(await storage.head(oldKey));
  const again = await erin.fetch(`/api/v1/pets/${pet.id}/photo`, {
    method: "PUT",
    body: form({}, {
      field: "photo",
      name: "b.png",
      type: "image/png",
      bytes: await makePng(3, 3),
    }),
  });
  assertEquals(again.status, 200);
  const updated = (await again.json()).pet;
  assert(updated.photoUrl !== pet.photoUrl);
  assertEquals(await storage.head(oldKey), null);

  const patch = await apiJson(erin, `/api/v1/pets/${pet.id}`, "PATCH", {
    weightKg: "4,2",
    notes: null,
    birthDate: "2018-12-31",
  });
  assertEquals(patch.status, 200);
  const p = (await patch.json()).pet;
  assertEquals([p.weightKg, p.notes, p.birthDate, p.name], [4.2, null, "2018-12-31", "Мурка"]);

  const got = await (await erin.fetch(`/api/v1/pets/${pet.id}`)).json();
  assertEquals(got.pet.photoUrl, updated.photoUrl);

  const del = await erin.fetch(`/api/v1/pets/${pet.id}`, { method: "DELETE" });
  assertEquals(del.status, 204);
  assertEquals(await keys(`users/${erin.id}/pets/${pet.id}/`), []);
  assertEquals((await erin.fetch(`/api/v1/pets/${pet.id}`)).status, 404);
});

Deno.test("pet rules: names in Cyrillic or Latin, dates as ДД.ММ.ГГГГ or ISO, 1990 to today", () => {
  const base = { type: "DOG", breed: "Такса", birthDate: "2020-01-01" };
  const ok = (v: Record<string, unknown>) => petCreateSchema.safeParse({ ...base, ...v }).success;
  assert(ok({ name: "Рекс" }));
  assert(ok({ name: "Jack-Russell Junior" }));
  assert(ok({ name: "Ёжик" }));
  assert(!ok({ name: "Р" }), "too short");
  assert(!ok({ name: "Rex2" }), "digits");
  assert(!ok({ name: "Rex<script>" }));
  assert(!ok({ name: "x".repeat(51) }));
  assert(ok({ name: "Rex", birthDate: "1.1.1990" }));
  assert(ok({ name: "Rex", birthDate: "01.01.1990" }));
  assert(!ok({ name: "Rex", birthDate: "31.12.1989" }));
  assert(!ok({ name: "Rex", birthDate: "2020-02-30" }));
  const tomorrow = new Date(Date.now() + 2 * 86400_000).toISOString().slice(0, 10);
  assert(!ok({ name: "Rex", birthDate: tomorrow }), "not in the future");
  assert(ok({ name: "Rex", heightCm: "1", weightKg: "0,1" }));
  assert(!ok({ name: "Rex", heightCm: "201" }));
  assert(!ok({ name: "Rex", notes: "x".repeat(501) }));
});
