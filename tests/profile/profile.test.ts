/**
 * Profiles: the own profile (page form and /api/v1/profile), the avatar,
 * public profiles at /u/<name> (only what was published), and /media/<key>
 * (who may see a file; ranges, ETag, caching) — on local storage and on S3.
 */
import { openTestApp, type TestApp } from "../helpers/app.ts";
import { type Session, signIn } from "../helpers/session.ts";
import { assert, assertEquals, assertMatch, assertStringIncludes } from "../helpers/assert.ts";
import { form, jpegLike, makePng, pngLikeStream } from "./fixtures.ts";
import { newId } from "@/platform/ids.ts";
import { invalidateCourses } from "@/core/courses/cache.ts";
import { startS3 } from "../storage/s3_server.ts";

const t = await openTestApp();
globalThis.addEventListener("unload", () => t.close());

function postMultipart(app: TestApp, who: Session, path: string, body: FormData) {
  return app.fetch(`${path}?_csrf=${encodeURIComponent(who.csrf)}`, {
    method: "POST",
    body,
    headers: who.headers(),
  });
}

async function profileRow(userId: string) {
  return await t.services.db.selectFrom("user_profiles").selectAll().where("user_id", "=", userId)
    .executeTakeFirstOrThrow();
}

async function uploadAvatar(app: TestApp, who: Session, bytes: Uint8Array<ArrayBuffer>) {
  const res = await postMultipart(
    app,
    who,
    "/profile",
    form({}, { field: "avatar", name: "me.png", type: "image/png", bytes }),
  );
  assertEquals(res.status, 303);
  assertEquals(res.headers.get("location"), "/profile?done=avatar");
}

const PROFILE = {
  _action: "profile",
  fullName: "  Анна   Кинолог ",
  about: "Дрессирую собак с 2010 года.\r\nЛюблю овчарок.",
  birthDate: "01.02.1990",
  telegram: "https://t.me/Anna_Dogs",
  instagram: "instagram.com/anna.dogs/",
  website: "anna-dogs.ru/about",
  isPublic: "on",
};

Deno.test("own profile: the page form validates and normalises; the API reads and patches it", async () => {
  const anna = await signIn(t, "anna");
  const res = await anna.post("/profile", PROFILE);
  assertEquals(res.status, 303);
  assertEquals(res.headers.get("location"), "/profile?done=saved");
  const api = await (await anna.fetch("/api/v1/profile")).json();
  assertEquals(api.profile, {
    username: "anna",
    role: "USER",
    fullName: "Анна Кинолог",
    about: "Дрессирую собак с 2010 года.\nЛюблю овчарок.",
    birthDate: "1990-02-01",
    telegram: "@Anna_Dogs",
    instagram: "@anna.dogs",
    website: "https://anna-dogs.ru/about",
    avatarUrl: null,
    isPublic: true,
    memberSince: api.profile.memberSince,
  });
  // Making the profile public is a consent, recorded once.
  const consents = await t.services.db.selectFrom("consents").select("type")
    .where("user_id", "=", anna.id).execute();
  assertEquals(consents.map((c) => c.type), ["PUBLIC_PROFILE"]);
  await anna.post("/profile", PROFILE);
  assertEquals(
    (await t.services.db.selectFrom("consents").select("id").where("user_id", "=", anna.id)
      .execute()).length,
    1,
  );

  const page = await (await anna.fetch("/profile?done=saved")).text();
  assertStringIncludes(page, "Профиль сохранён");
  assertStringIncludes(page, 'value="01.02.1990"');
  assertStringIncludes(page, 'href="https://t.me/Anna_Dogs"');

  // Bad values: 422 with the messages next to the fields and the values kept.
  const bad = await anna.post("/profile", {
    ...PROFILE,
    telegram: "@no",
    website: "javascript:alert(1)",
    birthDate: "2999-01-01",
    fullName: "x".repeat(121),
  });
  assertEquals(bad.status, 422);
  const html = await bad.text();
  assertStringIncludes(
    html,
    '<p class="field-error" id="telegram-error">От 5 до 32\u00a0латинских букв, цифр и _, например @gafus_dog или t.me/gafus_dog</p>',
  );
  assertStringIncludes(
    html,
    '<p class="field-error" id="website-error">Адрес сайта, например https://example.ru</p>',
  );
  assertStringIncludes(
    html,
    '<p class="field-error" id="birthDate-error">Дата в формате ДД.ММ.ГГГГ, не позже сегодняшней</p>',
  );
  assertStringIncludes(
    html,
    '<p class="field-error" id="fullName-error">Не длиннее 120\u00a0символов</p>',
  );
  assertStringIncludes(html, 'value="javascript:alert(1)"');
  assertEquals((await profileRow(anna.id)).telegram, "@Anna_Dogs", "nothing saved");

  // API: 400 with {fields}; null and "" clear; absent fields stay.
  const apiBad = await anna.fetch("/api/v1/profile", {
    method: "PATCH",
    body: JSON.stringify({ instagram: "not valid!", website: "ftp://x.ru" }),
    headers: { "content-type": "application/json" },
  });
  assertEquals(apiBad.status, 400);
  assertEquals(Object.keys((await apiBad.json()).fields).sort(), ["instagram", "website"]);
  const patched = await anna.fetch("/api/v1/profile", {
    method: "PATCH",
    body: JSON.stringify({ about: null, website: "" }),
    headers: { "content-type": "application/json" },
  });
  const p = (await patched.json()).profile;
  assertEquals([p.about, p.website, p.telegram], [null, null, "@Anna_Dogs"]);
});

Deno.test("A cannot change B's profile: the profile forms and API only ever touch the caller", async () => {
  const alice = await signIn(t, "alice");
  const bob = await signIn(t, "bob");
  await bob.post("/profile", { ...PROFILE, fullName: "Боб", isPublic: "" });
  const bobBefore = await profileRow(bob.id);
  // Fields naming another user are ignored, not obeyed.
  const res = await alice.fetch("/api/v1/profile", {
    method: "PATCH",
    body: JSON.stringify({ userId: bob.id, username: "bob", fullName: "Взлом" }),
    headers: { "content-type": "application/json" },
  });
  assertEquals(res.status, 200);
  await alice.post("/profile", { ...PROFILE, fullName: "Взлом", user_id: bob.id, username: "bob" });
  await uploadAvatar(t, alice, await makePng());
  assertEquals(await profileRow(bob.id), bobBefore);
  assertEquals((await profileRow(alice.id)).full_name, "Взлом");
  // B's private fields cannot be read either (page and API).
  const page = await alice.fetch("/u/bob");
  assertEquals(page.status, 404);
  assert(!(await page.text()).includes("Боб"));
  const api = await alice.fetch("/api/v1/profiles/bob");
  assertEquals(api.status, 404);
  assertEquals((await api.json()).message, "Профиль недоступен");
  // A multipart upload without the CSRF token is refused before anything is stored.
  const noCsrf = await t.fetch("/profile", {
    method: "POST",
    body: form({}, { field: "avatar", name: "a.png", type: "image/png", bytes: await makePng() }),
    headers: bob.headers(),
  });
  assertEquals(noCsrf.status, 403);
  assertEquals(await t.services.storage.list(`users/${bob.id}/`), []);
});

Deno.test("avatar: page upload, replacement deletes the old file, removal deletes it", async () => {
  const vera = await signIn(t, "vera");
  await uploadAvatar(t, vera, await makePng(4, 4, [1, 2, 3]));
  const first = (await profileRow(vera.id)).avatar_key!;
  assertMatch(first, new RegExp(`^users/${vera.id}/avatar/[0-9a-f]{32}\\.png$`));
  const page = await (await vera.fetch("/profile?done=avatar")).text();
  assertStringIncludes(page, "Фото профиля обновлено");
  assertStringIncludes(page, `src="/media/${first}"`);
  // The avatar form is multipart with the CSRF token in its action.
  assertMatch(page, /<form[^>]*action="\/profile\?_csrf=[^"]+"[^>]*enctype="multipart\/form-data"/);

  // JPEG by its bytes, whatever the declared type says.
  const res = await postMultipart(
    t,
    vera,
    "/profile",
    form({}, {
      field: "avatar",
      name: "x.bin",
      type: "application/octet-stream",
      bytes: jpegLike(),
    }),
  );
  assertEquals(res.status, 303);
  const second = (await profileRow(vera.id)).avatar_key!;
  assertMatch(second, /\.jpg$/);
  assertEquals(await t.services.storage.head(first), null, "the old avatar is deleted");
  assertEquals((await t.services.storage.head(second))?.contentType, "image/jpeg");

  // API replacement and removal.
  const put = await vera.fetch("/api/v1/profile/avatar", {
    method: "PUT",
    body: await makePng(2, 2),
    headers: { "content-type": "image/png" },
  });
  assertEquals(put.status, 200);
  const third = (await put.json()).profile.avatarUrl.replace("/media/", "");
  assertEquals(await t.services.storage.head(second), null);
  const removed = await vera.post("/profile", { _action: "avatar-remove" });
  assertEquals(removed.headers.get("location"), "/profile?done=avatarRemoved");
  assertEquals((await profileRow(vera.id)).avatar_key, null);
  assertEquals(await t.services.storage.head(third), null);
  assertEquals(await t.services.storage.list(`users/${vera.id}/`), []);
});

Deno.test("avatar: a non-image or a file over 10 MB is refused with a clear message; nothing kept", async () => {
  const wes = await signIn(t, "wes");
  const text = await postMultipart(
    t,
    wes,
    "/profile",
    form({}, {
      field: "avatar",
      name: "avatar.jpg",
      type: "image/jpeg",
      bytes: new TextEncoder().encode("hello, I am text"),
    }),
  );
  assertEquals(text.status, 415);
  const html = await text.text();
  assertStringIncludes(
    html,
    '<p class="field-error" id="avatar-error">Это не изображение (нужен JPEG, PNG или WebP)</p>',
  );
  const big = await wes.fetch("/api/v1/profile/avatar", {
    method: "PUT",
    body: pngLikeStream(10 * 1024 * 1024 + 1),
    headers: { "content-type": "image/png", cookie: "lang=en" },
  });
  assertEquals(big.status, 413);
  assertEquals(await big.json(), {
    error: "too_large",
    message: "The file is too large (max 10\u00a0MB)",
    fields: { avatar: "The file is too large (max 10\u00a0MB)" },
  });
  assertEquals(await t.services.storage.list(`users/${wes.id}/`), []);
  assertEquals((await profileRow(wes.id)).avatar_key, null);
});

Deno.test("a private profile is hidden from everyone but its owner, with its files", async () => {
  const pat = await signIn(t, "pat");
  await pat.post("/profile", { ...PROFILE, fullName: "Пат Приватный", isPublic: "" });
  await uploadAvatar(t, pat, await makePng());
  const avatar = `/media/${(await profileRow(pat.id)).avatar_key}`;
  const other = await signIn(t, "olga");
  for (const [who, fetch] of [["visitor", t.fetch], ["olga", other.fetch]] as const) {
    const res = await fetch("/u/pat");
    assertEquals(res.status, 404, who);
    const html = await res.text();
    assertStringIncludes(html, "Профиль недоступен");
    assert(!html.includes("Пат Приватный"), who);
    assertEquals((await fetch(avatar)).status, 404, who);
  }
  // A missing user looks exactly the same.
  assertEquals((await t.fetch("/u/nosuchuser")).status, 404);
  // The owner sees everything, with a note that it is hidden.
  const own = await pat.fetch("/u/pat");
  assertEquals(own.status, 200);
  const html = await own.text();
  assertStringIncludes(html, "Пат Приватный");
  assertStringIncludes(html, "Профиль скрыт: его видите только вы.");
  assertEquals((await pat.fetch(avatar)).status, 200);
  // Staff may see files (moderation).
  const admin = await signIn(t, "root_admin", "ADMIN");
  assertEquals((await admin.fetch(avatar)).status, 200);
});

Deno.test("a public profile shows what was published: about, pets, and a trainer's profile courses", async () => {
  const trainer = await signIn(t, "kira_trainer", "TRAINER");
  await trainer.post("/profile", { ...PROFILE, fullName: "Кира Тренер" });
  await uploadAvatar(t, trainer, await makePng());
  const pet = await trainer.fetch("/api/v1/pets", {
    method: "POST",
    body: JSON.stringify({
      name: "Альма",
      type: "DOG",
      breed: "Бордер-колли",
      birthDate: "2021-04-10",
    }),
    headers: { "content-type": "application/json" },
  });
  const petId = (await pet.json()).pet.id;
  await trainer.fetch(`/api/v1/pets/${petId}/photo`, {
    method: "PUT",
    body: await makePng(),
    headers: { "content-type": "image/png" },
  });
  const now = new Date();
  const course = (slug: string, extra: Record<string, unknown>) => ({
    id: newId(),
    slug,
    name: `Курс ${slug}`,
    author_id: trainer.id,
    published_at: now,
    ...extra,
  });
  await t.services.db.insertInto("courses").values([
    course("shown", { show_in_profile: true, short_description: "Показан в профиле" }),
    course("not-shown", { show_in_profile: false }),
    course("private-one", { show_in_profile: true, access: "PRIVATE" }),
    course("draft-one", { show_in_profile: true, published_at: null }),
  ]).execute();
  invalidateCourses(t.services);

  const res = await t.fetch("/u/kira_trainer");
  assertEquals(res.status, 200);
  const html = await res.text();
  assertStringIncludes(html, '<h1 class="profile-head__name">Кира Тренер</h1>');
  assertStringIncludes(html, "Кинолог");
  assertStringIncludes(html, "Альма");
  assertStringIncludes(html, "Бордер-колли");
  assertStringIncludes(html, 'href="/courses/shown"');
  for (const hidden of ["not-shown", "private-one", "draft-one"]) {
    assert(!html.includes(`/courses/${hidden}`), hidden);
  }
  assert(!html.includes(`/profile/pets/${petId}`), "visitors get no owner links");
  // Files of a public profile are visible to visitors.
  const photo = /src="(\/media\/users\/[^"]+\/pets\/[^"]+)"/.exec(html)?.[1];
  assert(photo);
  assertEquals((await t.fetch(photo)).status, 200);
  const avatar = /src="(\/media\/users\/[^"]+\/avatar\/[^"]+)"/.exec(html)?.[1];
  assert(avatar);
  assertEquals((await t.fetch(avatar)).status, 200);

  const api = await (await t.fetch("/api/v1/profiles/kira_trainer")).json();
  assertEquals(api.profile.fullName, "Кира Тренер");
  assertEquals(api.pets.map((p: { name: string }) => p.name), ["Альма"]);
  assertEquals(api.courses.map((c: { slug: string }) => c.slug), ["shown"]);

  // Hiding the profile hides the pet photo again, but the avatar of a course author stays.
  await trainer.post("/profile", { ...PROFILE, isPublic: "" });
  assertEquals((await t.fetch("/u/kira_trainer")).status, 404);
  assertEquals((await t.fetch(photo)).status, 404);
  assertEquals((await t.fetch(avatar)).status, 200);
});

Deno.test("/media: ranges, ETag, private caching, HEAD; unknown prefixes and bad keys are 404", async () => {
  const mia = await signIn(t, "mia");
  const png = await makePng(16, 16);
  await uploadAvatar(t, mia, png);
  const path = `/media/${(await profileRow(mia.id)).avatar_key}`;
  const full = await mia.fetch(path);
  assertEquals(full.status, 200);
  assertEquals(full.headers.get("accept-ranges"), "bytes");
  assertEquals(full.headers.get("content-length"), String(png.length));
  assertMatch(full.headers.get("cache-control")!, /^private\b/);
  const etag = full.headers.get("etag")!;
  assertMatch(etag, /^".+"$/);
  await full.body?.cancel();

  const part = await mia.fetch(path, { headers: { range: "bytes=1-4" } });
  assertEquals(part.status, 206);
  assertEquals(part.headers.get("content-range"), `bytes 1-4/${png.length}`);
  assertEquals(new Uint8Array(await part.arrayBuffer()), png.slice(1, 5));
  const tail = await mia.fetch(path, { headers: { range: "bytes=-3" } });
  assertEquals(tail.status, 206);
  assertEquals(new Uint8Array(await tail.arrayBuffer()), png.slice(-3));
  const open = await mia.fetch(path, { headers: { range: `bytes=${png.length - 2}-` } });
  assertEquals(new Uint8Array(await open.arrayBuffer()), png.slice(-2));
  const beyond = await mia.fetch(path, { headers: { range: `bytes=${png.length}-` } });
  assertEquals(beyond.status, 416);
  assertEquals(beyond.headers.get("content-range"), `bytes */${png.length}`);
  // A range for an older version is answered with the whole file.
  const stale = await mia.fetch(path, { headers: { range: "bytes=0-1", "if-range": '"old"' } });
  assertEquals(stale.status, 200);
  await stale.body?.cancel();

  const cached = await mia.fetch(path, { headers: { "if-none-match": etag } });
  assertEquals(cached.status, 304);
  const head = await mia.fetch(path, { method: "HEAD" });
  assertEquals(head.status, 200);
  assertEquals(head.headers.get("content-length"), String(png.length));
  assertEquals(await head.text(), "");
  // Stored files never run as documents of the site.
  assertMatch(full.headers.get("content-security-policy")!, /sandbox/);

  await t.services.storage.put("courses/c1/logo.png", png, { contentType: "image/png" });
  assertEquals((await mia.fetch("/media/courses/c1/logo.png")).status, 404, "no rule yet: private");
  for (const bad of ["/media/users/../secrets.json", "/media/users/%2e%2e/x", "/media/.meta/x"]) {
    assertEquals((await mia.fetch(bad)).status, 404, bad);
  }
});

Deno.test("/media: exam files only for their learner and staff", async () => {
  const lena = await signIn(t, "lena");
  const max = await signIn(t, "max");
  const mod = await signIn(t, "moder", "MODERATOR");
  const key = `exams/${lena.id}/${newId()}/answer.webm`;
  await t.services.storage.put(key, new Uint8Array([0x1a, 0x45, 0xdf, 0xa3]), {
    contentType: "video/webm",
  });
  assertEquals((await lena.fetch(`/media/${key}`)).status, 200);
  assertEquals((await mod.fetch(`/media/${key}`)).status, 200);
  assertEquals((await max.fetch(`/media/${key}`)).status, 404);
  assertEquals((await t.fetch(`/media/${key}`)).status, 404);
});

Deno.test({
  name: "the same avatar upload and /media streaming work with S3 storage",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    await using s3 = await startS3();
    const app = await openTestApp(s3.env);
    try {
      assertEquals(app.services.storage.kind, "s3");
      const zoe = await signIn(app, "zoe");
      const png = await makePng(8, 8);
      await uploadAvatar(app, zoe, png);
      const key = (await app.services.db.selectFrom("user_profiles").select("avatar_key")
        .where("user_id", "=", zoe.id).executeTakeFirstOrThrow()).avatar_key!;
      const part = await app.fetch(`/media/${key}`, {
        headers: zoe.headers({ range: "bytes=0-7" }),
      });
      assertEquals(part.status, 206);
      assertEquals(new Uint8Array(await part.arrayBuffer()), png.slice(0, 8));
      const big = await zoe.fetch("/api/v1/profile/avatar", {
        method: "PUT",
        body: pngLikeStream(10 * 1024 * 1024 + 1),
        headers: { "content-type": "image/png" },
      });
      assertEquals(big.status, 413);
      assertEquals((await app.services.storage.list(`users/${zoe.id}/`)).map((o) => o.key), [key]);
      await uploadAvatar(app, zoe, await makePng(2, 2));
      assertEquals(await app.services.storage.head(key), null, "replaced avatar deleted on S3");
    } finally {
      await app.close();
    }
  },
});

Deno.test("the public profile address is on PUBLIC_URL, whatever Host the request names", async () => {
  await using app = await openTestApp({ PUBLIC_URL: "https://gafus.example" });
  const rex = await signIn(app, "rex_owner");
  await rex.post("/profile", { ...PROFILE, isPublic: "on" });
  const res = await app.app.fetch(
    new Request("http://evil.example/profile", { headers: rex.headers() }),
  );
  assertEquals(res.status, 200);
  const html = await res.text();
  assertStringIncludes(html, "https://gafus.example/u/rex_owner");
  assert(!html.includes("evil.example"), "nothing on the page points at the Host header");
});
