/**
 * Files on studio content (core/studio/media.ts): a step's pictures and PDFs
 * and a course's logo, through the no-JS forms and the JSON API the progress
 * island uses — real PNG and PDF bytes, refusals by magic bytes, size and
 * count with messages in Russian and English and nothing left behind, order,
 * removal that keeps files still named elsewhere, what learners see, who may
 * do what, and the same on S3.
 */
import { openTestApp, type TestApp } from "../helpers/app.ts";
import { postForm, type Session, signIn } from "../helpers/session.ts";
import { assert, assertEquals, assertMatch, assertStringIncludes } from "../helpers/assert.ts";
import { json } from "@/db/connection.ts";
import { mediaPath } from "@/core/paths.ts";
import { displayPdfName, MAX_STEP_IMAGES } from "@/core/studio/media.ts";
import { saveAsTemplate, useTemplate } from "@/core/studio/templates.ts";
import { dayUrl, makeCourse } from "../training/helpers.ts";
import { startS3 } from "../storage/s3_server.ts";
import type { SessionUser } from "@/core/auth/session_user.ts";

const t = await openTestApp();
globalThis.addEventListener("unload", () => t.close());
const db = t.services.db;

const anna = await signIn(t, "anna", "TRAINER");
const boris = await signIn(t, "boris", "TRAINER");
const moder = await signIn(t, "moder", "MODERATOR");
const admin = await signIn(t, "root", "ADMIN");
const lena = await signIn(t, "lena", "USER");

const enc = new TextEncoder();
/** A valid 1×1 RGBA PNG (signature, IHDR, IDAT, IEND). */
const PNG = Uint8Array.from(
  atob(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==",
  ),
  (c) => c.charCodeAt(0),
);
/** A minimal PDF: header, catalog, an empty page tree, trailer. */
const PDF = enc.encode(
  "%PDF-1.4\n1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\n" +
    "2 0 obj <</Type /Pages /Kids [] /Count 0>> endobj\n" +
    "trailer <</Root 1 0 R>>\n%%EOF\n",
);

interface FilePart {
  name: string;
  bytes: Uint8Array<ArrayBuffer>;
  type?: string;
}

function formData(field: string, files: FilePart[]): FormData {
  const fd = new FormData();
  for (const f of files) {
    fd.append(field, new File([f.bytes], f.name, { type: f.type ?? "application/octet-stream" }));
  }
  return fd;
}

/** A multipart form as a browser posts it without JavaScript (CSRF token in the URL). */
function postFiles(
  who: Session,
  path: string,
  field: string,
  files: FilePart[],
  lang?: "ru" | "en",
  app: TestApp = t,
): Promise<Response> {
  const sep = path.includes("?") ? "&" : "?";
  return app.fetch(`${path}${sep}_csrf=${encodeURIComponent(who.csrf)}`, {
    method: "POST",
    body: formData(field, files),
    headers: who.headers(lang ? { cookie: `lang=${lang}` } : {}),
  });
}

/** The island's XHR: one file, JSON asked for, CSRF in the header. */
function apiUpload(
  who: Session,
  path: string,
  field: string,
  file: FilePart,
  lang?: "ru" | "en",
  app: TestApp = t,
): Promise<Response> {
  return app.fetch(path, {
    method: "POST",
    body: formData(field, [file]),
    headers: who.headers({
      accept: "application/json",
      "x-csrf-token": who.csrf,
      ...(lang ? { cookie: `lang=${lang}` } : {}),
    }),
  });
}

const mediaUrl = (stepId: string, kind?: "image" | "pdf") =>
  `/studio/steps/${stepId}/media${kind ? `?kind=${kind}` : ""}`;
const mediaApi = (stepId: string, kind: "image" | "pdf") =>
  `/api/v1/studio/steps/${stepId}/media?kind=${kind}`;

/** The session user core functions expect, for setting up templates directly. */
function actor(who: Session): SessionUser {
  return {
    id: who.id,
    username: who.username,
    role: who.role,
    locale: "ru",
    timeZone: "Europe/Moscow",
    sessionVersion: 0,
  };
}

async function stepRow(id: string) {
  return await db.selectFrom("steps").select(["images", "pdfs", "author_id"])
    .where("id", "=", id).executeTakeFirstOrThrow();
}

async function stored(stepId: string, app: TestApp = t): Promise<string[]> {
  return (await app.services.storage.list(`steps/${stepId}/`)).map((o) => o.key);
}

/** A published public course by anna with one THEORY step; returns it and the step id. */
async function annasStep() {
  const c = await makeCourse(t, { author: "anna", days: [{ steps: [{ type: "THEORY" }] }] });
  return { c, stepId: c.days[0].stepIds[0] };
}

Deno.test("PDF names are cleaned for display: no folders, controls or bidi tricks, .pdf at the end", () => {
  assertEquals(displayPdfName("C:\\Users\\me\\Памятка.pdf"), "Памятка.pdf");
  assertEquals(displayPdfName("../../etc/passwd"), "passwd.pdf");
  assertEquals(displayPdfName("invoice\u202Efdp.exe.pdf"), "invoicefdp.exe.pdf");
  assertEquals(displayPdfName("  a \n\t b .PDF "), "a b.pdf");
  assertEquals(displayPdfName(""), "document.pdf");
  assertEquals(displayPdfName("x".repeat(500)).length, 120);
});

Deno.test("a trainer adds pictures (several at once) and a PDF without JavaScript; the learner's day shows them", async () => {
  const { c, stepId } = await annasStep();
  const res = await postFiles(anna, mediaUrl(stepId, "image"), "images", [
    { name: "one.png", bytes: PNG, type: "image/png" },
    { name: "two.png", bytes: PNG, type: "image/png" },
  ]);
  assertEquals(res.status, 303, await res.clone().text().then((s) => s.slice(0, 300)));
  assertEquals(res.headers.get("location"), `/studio/steps/${stepId}?media=uploaded#media`);
  const pdfRes = await postFiles(anna, mediaUrl(stepId, "pdf"), "pdfs", [
    { name: "Памятка\u202E.pdf", bytes: PDF, type: "application/pdf" },
  ]);
  assertEquals(pdfRes.status, 303);

  const row = await stepRow(stepId);
  assertEquals(row.images.length, 2);
  for (const k of row.images) assertMatch(k, new RegExp(`^steps/${stepId}/[0-9a-f]{32}\\.png$`));
  assertEquals(row.pdfs.length, 1);
  assertMatch(row.pdfs[0].key, new RegExp(`^steps/${stepId}/[0-9a-f]{32}\\.pdf$`));
  assertEquals(row.pdfs[0].name, "Памятка.pdf");
  assertEquals(
    (await stored(stepId)).sort(),
    [...row.images, row.pdfs[0].key].sort(),
  );
  const pdfBytes = await t.services.storage.get(row.pdfs[0].key);
  assertEquals(new Uint8Array(await new Response(pdfBytes!.body).arrayBuffer()), PDF);

  // The editor shows them, with the notice of the redirect.
  const editor = await (await anna.fetch(`/studio/steps/${stepId}?media=uploaded`)).text();
  assertStringIncludes(editor, 'id="media"');
  assertStringIncludes(editor, "Файлы добавлены");
  assertStringIncludes(editor, mediaPath(row.images[0]));
  assertStringIncludes(editor, "Памятка.pdf");

  // The learner's day page links them through /media, which serves them.
  const day = await (await lena.fetch(dayUrl(c))).text();
  for (const k of row.images) assertStringIncludes(day, `src="${mediaPath(k)}"`);
  assertStringIncludes(day, `href="${mediaPath(row.pdfs[0].key)}"`);
  assertStringIncludes(day, "Памятка.pdf");
  const img = await lena.fetch(mediaPath(row.images[0]));
  assertEquals(img.status, 200);
  assertEquals(img.headers.get("content-type"), "image/png");
  await img.body?.cancel();
  const pdf = await lena.fetch(mediaPath(row.pdfs[0].key));
  assertEquals(pdf.status, 200);
  assertEquals(pdf.headers.get("content-type"), "application/pdf");
  await pdf.body?.cancel();
});

Deno.test("the JSON upload answers with the step's media (the progress island's route)", async () => {
  const { stepId } = await annasStep();
  const res = await apiUpload(anna, mediaApi(stepId, "image"), "images", {
    name: "a.png",
    bytes: PNG,
  });
  assertEquals(res.status, 200);
  const body = await res.json();
  assertEquals(body.media.images.length, 1);
  assertEquals(body.media.images[0].url, mediaPath(body.media.images[0].key));
  assertEquals((await stepRow(stepId)).images, [body.media.images[0].key]);
});

Deno.test("magic bytes: a .png that is text and a .pdf that is not a PDF are refused (415, ru/en), nothing stored", async () => {
  const { stepId } = await annasStep();
  const fakePng = {
    name: "photo.png",
    bytes: enc.encode("just some text, honest"),
    type: "image/png",
  };
  const fakePdf = { name: "doc.pdf", bytes: PNG, type: "application/pdf" };

  const ru = await postFiles(anna, mediaUrl(stepId, "image"), "images", [fakePng], "ru");
  assertEquals(ru.status, 415);
  const ruHtml = await ru.text();
  assertStringIncludes(ruHtml, "Это не изображение (нужен JPEG, PNG или WebP)");
  assertStringIncludes(ruHtml, 'id="media-images-error"');
  const en = await postFiles(anna, mediaUrl(stepId, "pdf"), "pdfs", [fakePdf], "en");
  assertEquals(en.status, 415);
  assertStringIncludes(await en.text(), "This is not a PDF file");

  const api = await apiUpload(anna, mediaApi(stepId, "pdf"), "pdfs", fakePdf, "en");
  assertEquals(api.status, 415);
  const body = await api.json();
  assertEquals(body.error, "not_pdf");
  assertEquals(body.fields.pdfs, "This is not a PDF file");
  const apiRu = await apiUpload(anna, mediaApi(stepId, "image"), "images", fakePng, "ru");
  assertEquals(apiRu.status, 415);
  assertEquals((await apiRu.json()).error, "not_image");

  // One good file and one bad in the same form: the whole form is refused.
  const mixed = await postFiles(anna, mediaUrl(stepId, "image"), "images", [
    { name: "ok.png", bytes: PNG },
    fakePng,
  ]);
  assertEquals(mixed.status, 415);
  await mixed.body?.cancel();

  const row = await stepRow(stepId);
  assertEquals(row.images, []);
  assertEquals(row.pdfs, []);
  assertEquals(await stored(stepId), []);
});

Deno.test("a PDF over 20 MB is refused with 413 and leaves nothing", async () => {
  const { stepId } = await annasStep();
  const big = new Uint8Array(20 * 1024 * 1024 + 1);
  big.set(enc.encode("%PDF-1.7\n"));
  const res = await postFiles(anna, mediaUrl(stepId, "pdf"), "pdfs", [{
    name: "big.pdf",
    bytes: big,
  }], "en");
  assertEquals(res.status, 413);
  assertStringIncludes(await res.text(), "The file is too large");
  assertEquals((await stepRow(stepId)).pdfs, []);
  assertEquals(await stored(stepId), []);
});

Deno.test("a step holds at most 10 pictures: an upload past the limit is refused whole (422), nothing stored", async () => {
  const { stepId } = await annasStep();
  const eight = Array.from({ length: 8 }, (_, i) => `steps/${stepId}/old${i}.png`);
  await db.updateTable("steps").set({ images: json(eight) }).where("id", "=", stepId).execute();

  const three = [1, 2, 3].map((i) => ({ name: `${i}.png`, bytes: PNG }));
  const over = await postFiles(anna, mediaUrl(stepId, "image"), "images", three, "ru");
  assertEquals(over.status, 422);
  assertStringIncludes(await over.text(), `не больше ${MAX_STEP_IMAGES}\u00a0иллюстраций`);
  assertEquals((await stepRow(stepId)).images, eight);
  assertEquals(await stored(stepId), []);

  const two = await postFiles(anna, mediaUrl(stepId, "image"), "images", three.slice(0, 2));
  assertEquals(two.status, 303);
  assertEquals((await stepRow(stepId)).images.length, 10);

  // Full: refused before a byte is stored; the editor offers no upload any more.
  const full = await apiUpload(anna, mediaApi(stepId, "image"), "images", three[0], "en");
  assertEquals(full.status, 422);
  assertEquals((await full.json()).fields.images, "A step can have at most 10\u00a0pictures");
  assertEquals((await stored(stepId)).length, 2);
  const editor = await (await anna.fetch(`/studio/steps/${stepId}`)).text();
  assert(!editor.includes('id="media-images"'), "no image upload field when full");
  assertStringIncludes(editor, 'id="media-pdfs"');
});

Deno.test("two uploads at once cannot pass the limit together: one wins, the other's file is deleted", async () => {
  const { stepId } = await annasStep();
  const nine = Array.from({ length: 9 }, (_, i) => `steps/${stepId}/old${i}.png`);
  await db.updateTable("steps").set({ images: json(nine) }).where("id", "=", stepId).execute();
  const [a, b] = await Promise.all([
    apiUpload(anna, mediaApi(stepId, "image"), "images", { name: "a.png", bytes: PNG }),
    apiUpload(anna, mediaApi(stepId, "image"), "images", { name: "b.png", bytes: PNG }),
  ]);
  assertEquals([a.status, b.status].sort(), [200, 422]);
  await a.body?.cancel();
  await b.body?.cancel();
  const images = (await stepRow(stepId)).images;
  assertEquals(images.length, MAX_STEP_IMAGES);
  assertEquals(await stored(stepId), images.slice(9), "only the winner's file is kept");
});

Deno.test("pictures are reordered with up and down (no JavaScript)", async () => {
  const { stepId } = await annasStep();
  const res = await postFiles(anna, mediaUrl(stepId, "image"), "images", [
    { name: "a.png", bytes: PNG },
    { name: "b.png", bytes: PNG },
    { name: "c.png", bytes: PNG },
  ]);
  assertEquals(res.status, 303);
  const [a, b, c] = (await stepRow(stepId)).images;
  const down = await postForm(t, anna, mediaUrl(stepId), {
    _action: "down",
    kind: "image",
    key: a,
  });
  assertEquals(down.status, 303);
  assertEquals(down.headers.get("location"), `/studio/steps/${stepId}?media=moved#media`);
  assertEquals((await stepRow(stepId)).images, [b, a, c]);
  await postForm(t, anna, mediaUrl(stepId), { _action: "up", kind: "image", key: c });
  assertEquals((await stepRow(stepId)).images, [b, c, a]);
  // At the top "up" changes nothing.
  await postForm(t, anna, mediaUrl(stepId), { _action: "up", kind: "image", key: b });
  assertEquals((await stepRow(stepId)).images, [b, c, a]);
  const unknown = await postForm(t, anna, mediaUrl(stepId), {
    _action: "up",
    kind: "image",
    key: `steps/${stepId}/nope.png`,
  });
  assertEquals(unknown.status, 404);
  await unknown.body?.cancel();
});

Deno.test("removing asks first, then deletes the file from storage unless a template or a step still names it", async () => {
  const { stepId } = await annasStep();
  await postFiles(anna, mediaUrl(stepId, "image"), "images", [
    { name: "keep.png", bytes: PNG },
    { name: "drop.png", bytes: PNG },
  ]);
  await postFiles(anna, mediaUrl(stepId, "pdf"), "pdfs", [{ name: "plan.pdf", bytes: PDF }]);
  const [shared, alone] = (await stepRow(stepId)).images;
  const pdfKey = (await stepRow(stepId)).pdfs[0].key;

  // Without confirm=1 nothing happens: the confirmation page asks.
  const ask = await postForm(t, anna, mediaUrl(stepId), {
    _action: "remove",
    kind: "image",
    key: alone,
  });
  assertEquals(ask.status, 303);
  const confirmPage = await anna.fetch(ask.headers.get("location")!);
  assertEquals(confirmPage.status, 200);
  const html = await confirmPage.text();
  assertStringIncludes(html, "Удалить файл из шага?");
  assertStringIncludes(html, 'name="confirm" value="1"');
  assertEquals((await stepRow(stepId)).images.length, 2);

  // A template copies the keys: the shared picture must outlive its removal from the step.
  await saveAsTemplate(t.services, actor(anna), stepId, {});
  await db.updateTable("step_templates").set({ images: json([shared]), pdfs: json([]) })
    .where("author_id", "=", anna.id).execute();

  const gone = await postForm(t, anna, mediaUrl(stepId), {
    _action: "remove",
    kind: "image",
    key: alone,
    confirm: "1",
  });
  assertEquals(gone.status, 303);
  assertEquals(gone.headers.get("location"), `/studio/steps/${stepId}?media=removed#media`);
  assertEquals(await t.services.storage.head(alone), null, "unreferenced file deleted");

  await postForm(t, anna, mediaUrl(stepId), {
    _action: "remove",
    kind: "image",
    key: shared,
    confirm: "1",
  });
  assertEquals((await stepRow(stepId)).images, []);
  assert(await t.services.storage.head(shared), "file named by a template is kept");

  await postForm(t, anna, mediaUrl(stepId), {
    _action: "remove",
    kind: "pdf",
    key: pdfKey,
    confirm: "1",
  });
  assertEquals((await stepRow(stepId)).pdfs, []);
  assertEquals(await t.services.storage.head(pdfKey), null);
});

Deno.test("a step made from a template shows the copied pictures to its new author", async () => {
  // A step in no course: only its author (and staff) may see its files.
  const res = await postForm(t, anna, "/studio/steps/new", {
    title: "Шаблонный шаг",
    type: "THEORY",
  });
  const stepId = res.headers.get("location")!.split("/")[3].split("?")[0];
  await postFiles(anna, mediaUrl(stepId, "image"), "images", [{ name: "x.png", bytes: PNG }]);
  const [key] = (await stepRow(stepId)).images;
  assertEquals((await boris.fetch(mediaPath(key))).status, 404, "not yet boris's");

  const tpl = await saveAsTemplate(t.services, actor(anna), stepId, {});
  const copy = await useTemplate(t.services, actor(boris), tpl);
  assertEquals((await stepRow(copy)).images, [key]);
  const seen = await boris.fetch(mediaPath(key));
  assertEquals(seen.status, 200);
  await seen.body?.cancel();
  assertEquals((await lena.fetch(mediaPath(key))).status, 404);
});

Deno.test("course logo: upload, replace (old file deleted), remove; learners see it in the catalogue", async () => {
  const c = await makeCourse(t, { author: "anna", days: [{ steps: [{ type: "THEORY" }] }] });
  const logoPath = `/studio/courses/${c.courseId}/logo`;
  const logoKey = async () =>
    (await db.selectFrom("courses").select("logo_key").where("id", "=", c.courseId)
      .executeTakeFirstOrThrow()).logo_key;

  const up = await postFiles(anna, logoPath, "logo", [{ name: "logo.png", bytes: PNG }]);
  assertEquals(up.status, 303);
  assertEquals(up.headers.get("location"), `/studio/courses/${c.courseId}?logo=uploaded#logo`);
  const first = (await logoKey())!;
  assertMatch(first, new RegExp(`^courses/${c.courseId}/[0-9a-f]{32}\\.png$`));
  assert(await t.services.storage.head(first));
  const editor = await (await anna.fetch(`/studio/courses/${c.courseId}?logo=uploaded`)).text();
  assertStringIncludes(editor, "Логотип сохранён");
  assertStringIncludes(editor, mediaPath(first));
  const catalogue = await (await lena.fetch("/courses")).text();
  assertStringIncludes(catalogue, mediaPath(first));

  // The island's JSON route replaces it; the old file goes.
  const replaced = await apiUpload(anna, `/api/v1/studio/courses/${c.courseId}/logo`, "logo", {
    name: "new.png",
    bytes: PNG,
  });
  assertEquals(replaced.status, 200);
  const second = (await replaced.json()).logo.logoKey;
  assertEquals(await logoKey(), second);
  assertEquals(await t.services.storage.head(first), null, "replaced logo deleted");

  const bad = await postFiles(anna, logoPath, "logo", [{ name: "logo.png", bytes: PDF }], "en");
  assertEquals(bad.status, 415);
  assertStringIncludes(await bad.text(), "This is not an image");
  assertEquals(await logoKey(), second);
  assertEquals((await t.services.storage.list(`courses/${c.courseId}/`)).map((o) => o.key), [
    second,
  ]);

  const removed = await postForm(t, anna, logoPath, { _action: "remove" });
  assertEquals(removed.status, 303);
  assertEquals(await logoKey(), null);
  assertEquals(await t.services.storage.head(second), null);
});

Deno.test("who may change files: the author, moderators and admins; another trainer 404; a learner 403", async () => {
  const { c, stepId } = await annasStep();
  await postFiles(anna, mediaUrl(stepId, "image"), "images", [{ name: "a.png", bytes: PNG }]);
  const [key] = (await stepRow(stepId)).images;
  const logoPath = `/studio/courses/${c.courseId}/logo`;
  const logoApi = `/api/v1/studio/courses/${c.courseId}/logo`;
  const png = { name: "b.png", bytes: PNG };

  for (const [who, status] of [[boris, 404], [lena, 403]] as const) {
    const label = `${who.username} → ${status}`;
    const check = async (res: Response, what: string) => {
      assertEquals(res.status, status, `${label}: ${what}`);
      await res.body?.cancel();
    };
    await check(await who.fetch(mediaUrl(stepId)), "media page");
    await check(await postFiles(who, mediaUrl(stepId, "image"), "images", [png]), "upload");
    await check(
      await apiUpload(who, mediaApi(stepId, "pdf"), "pdfs", { name: "x.pdf", bytes: PDF }),
      "api",
    );
    await check(
      await postForm(t, who, mediaUrl(stepId), { _action: "down", kind: "image", key }),
      "move",
    );
    await check(
      await postForm(t, who, mediaUrl(stepId), {
        _action: "remove",
        kind: "image",
        key,
        confirm: "1",
      }),
      "remove",
    );
    await check(await who.fetch(logoPath), "logo page");
    await check(await postFiles(who, logoPath, "logo", [png]), "logo upload");
    await check(await apiUpload(who, logoApi, "logo", png), "logo api");
    await check(await who.fetch(logoApi, { method: "DELETE" }), "logo api delete");
    await check(await postForm(t, who, logoPath, { _action: "remove" }), "logo remove");
  }
  const row = await stepRow(stepId);
  assertEquals(row.images, [key]);
  assertEquals((await stored(stepId)).length, 1);
  assertEquals(await t.services.storage.list(`courses/${c.courseId}/`), []);

  for (const who of [moder, admin]) {
    const res = await postFiles(who, mediaUrl(stepId, "image"), "images", [png]);
    assertEquals(res.status, 303, who.username);
    const logo = await apiUpload(who, logoApi, "logo", png);
    assertEquals(logo.status, 200, who.username);
    await logo.body?.cancel();
    assertEquals((await who.fetch(mediaUrl(stepId))).status, 200);
  }
  const after = await stepRow(stepId);
  assertEquals(after.images.length, 3);
  assertEquals(after.author_id, anna.id, "staff changes keep the author");
  assertEquals((await t.services.storage.list(`courses/${c.courseId}/`)).length, 1);
});

Deno.test({
  name: "the same uploads, logo replacement and removal work with S3 storage",
  // s3rver (Koa) keeps keep-alive sockets and timers past close().
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    await using s3 = await startS3();
    const app = await openTestApp(s3.env);
    try {
      assertEquals(app.services.storage.kind, "s3");
      const zara = await signIn(app, "zara", "TRAINER");
      const learner = await signIn(app, "lev", "USER");
      const c = await makeCourse(app, { author: "zara", days: [{ steps: [{ type: "THEORY" }] }] });
      const stepId = c.days[0].stepIds[0];
      const ok = await postFiles(
        zara,
        mediaUrl(stepId, "image"),
        "images",
        [
          { name: "a.png", bytes: PNG },
          { name: "b.png", bytes: PNG },
        ],
        undefined,
        app,
      );
      assertEquals(ok.status, 303);
      const pdf = await apiUpload(
        zara,
        mediaApi(stepId, "pdf"),
        "pdfs",
        {
          name: "p.pdf",
          bytes: PDF,
        },
        undefined,
        app,
      );
      assertEquals(pdf.status, 200);
      const bad = await postFiles(
        zara,
        mediaUrl(stepId, "pdf"),
        "pdfs",
        [
          { name: "p.pdf", bytes: PNG },
        ],
        undefined,
        app,
      );
      assertEquals(bad.status, 415);
      await bad.body?.cancel();
      const row = await app.services.db.selectFrom("steps").select(["images", "pdfs"])
        .where("id", "=", stepId).executeTakeFirstOrThrow();
      assertEquals((await stored(stepId, app)).length, 3);
      const served = await learner.fetch(mediaPath(row.pdfs[0].key));
      assertEquals(served.status, 200);
      assertEquals(new Uint8Array(await served.arrayBuffer()), PDF);

      await postForm(app, zara, mediaUrl(stepId), {
        _action: "remove",
        kind: "image",
        key: row.images[0],
        confirm: "1",
      });
      assertEquals(await app.services.storage.head(row.images[0]), null, "removed on S3");

      const logoPath = `/studio/courses/${c.courseId}/logo`;
      await postFiles(zara, logoPath, "logo", [{ name: "l.png", bytes: PNG }], undefined, app);
      const first = (await app.services.storage.list(`courses/${c.courseId}/`))[0].key;
      await postFiles(zara, logoPath, "logo", [{ name: "m.png", bytes: PNG }], undefined, app);
      const keys = (await app.services.storage.list(`courses/${c.courseId}/`)).map((o) => o.key);
      assertEquals(keys.length, 1);
      assert(keys[0] !== first, "replaced logo deleted on S3");
    } finally {
      await app.close();
    }
  },
});
