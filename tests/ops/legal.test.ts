/**
 * Legal pages: privacy policy, terms and consent, readable by everyone in
 * their language, linked from the registration consents and the footer,
 * and edited as Markdown by admins only (moderators look, others nothing).
 */
import { assert, assertEquals, assertRejects, assertStringIncludes } from "../helpers/assert.ts";
import { openTestApp } from "../helpers/app.ts";
import { signIn } from "../helpers/session.ts";
import { text } from "../auth/helpers.ts";
import { saveLegalPage } from "@/core/legal/mod.ts";
import { ForbiddenError } from "@/core/auth/guards.ts";
import { loadSessionUser } from "@/core/auth/session.ts";

const en = { "accept-language": "en", cookie: "lang=en" };

Deno.test("legal pages render in Russian and English; an unknown one is 404", async () => {
  await using t = await openTestApp();
  const expected = {
    privacy: ["Политика конфиденциальности", "Privacy policy"],
    terms: ["Условия использования", "Terms of use"],
    consent: ["Согласие на обработку персональных данных", "Consent to personal data processing"],
  };
  for (const [slug, [ru, english]] of Object.entries(expected)) {
    const ruRes = await t.fetch(`/legal/${slug}`);
    assertEquals(ruRes.status, 200, slug);
    const ruHtml = await ruRes.text();
    assertStringIncludes(ruHtml, `<h1>${ru}</h1>`);
    assertStringIncludes(ruHtml, `<title>${ru}`);
    const enRes = await t.fetch(`/legal/${slug}`, { headers: en });
    assertStringIncludes(await enRes.text(), `<h1>${english}</h1>`);
  }
  const missing = await t.fetch("/legal/cookies");
  assertEquals(missing.status, 404);
  await missing.body?.cancel();
});

Deno.test("the registration consents and the footer link to the legal pages", async () => {
  await using t = await openTestApp();
  const register = await (await t.fetch("/register")).text();
  const consentBlock = (name: string) =>
    new RegExp(`name="${name}"[\\s\\S]*?</div>\\s*</div>`).exec(register)?.[0] ?? "";
  assertStringIncludes(consentBlock("consentPersonalData"), 'href="/legal/consent"');
  assertStringIncludes(consentBlock("consentPrivacyPolicy"), 'href="/legal/privacy"');
  const home = await (await t.fetch("/courses")).text();
  const footer = /<footer[\s\S]*<\/footer>/.exec(home)?.[0] ?? "";
  for (const slug of ["privacy", "terms", "consent"]) {
    assertStringIncludes(footer, `href="/legal/${slug}"`);
  }
});

Deno.test("an admin previews and saves a page as Markdown; the new text shows, sanitized", async () => {
  await using t = await openTestApp();
  const admin = await signIn(t, "legal_admin", "ADMIN");
  const editor = await admin.fetch("/ops/legal/terms?locale=ru");
  assertEquals(editor.status, 200);
  const editorHtml = await editor.text();
  assertStringIncludes(editorHtml, 'name="markdown"');
  assertStringIncludes(editorHtml, "# Условия использования", "the current text is in the form");

  const markdown = "# Новые условия\n\nПункт **один**.\n\n<script>alert(1)</script>";
  const preview = await admin.post("/ops/legal/terms?locale=ru", { markdown, preview: "1" });
  assertEquals(preview.status, 200);
  const previewHtml = await preview.text();
  assertStringIncludes(previewHtml, "<h1>Новые условия</h1>");
  assertStringIncludes(previewHtml, "&lt;script&gt;alert(1)&lt;/script&gt;");
  assert(!previewHtml.includes("<script>alert(1)"), "raw HTML never runs");
  assertStringIncludes(
    await (await t.fetch("/legal/terms")).text(),
    "<h1>Условия использования</h1>",
    "a preview saves nothing",
  );

  const saved = await admin.post("/ops/legal/terms?locale=ru", { markdown });
  assertEquals(saved.status, 303);
  assertEquals(saved.headers.get("location"), "/ops/legal/terms?locale=ru&done=1");
  const page = await (await t.fetch("/legal/terms")).text();
  assertStringIncludes(page, "<h1>Новые условия</h1>");
  assertStringIncludes(page, "Пункт <strong>один</strong>.");
  assert(!page.includes("<script>alert(1)"));
  assertStringIncludes(text(page), "Редакция от");
  assertStringIncludes(
    await (await t.fetch("/legal/terms", { headers: en })).text(),
    "<h1>Terms of use</h1>",
    "the English page is separate",
  );

  const empty = await admin.post("/ops/legal/terms?locale=ru", { markdown: "   " });
  assertEquals(empty.status, 422);
  assertStringIncludes(text(await empty.text()), "Заполните это поле");
});

Deno.test("a moderator may read the editor but not save; a learner gets 403; a visitor goes to login", async () => {
  await using t = await openTestApp();
  const rows = () => t.services.db.selectFrom("legal_pages").selectAll().execute();
  const mod = await signIn(t, "legal_mod", "MODERATOR");
  const view = await mod.fetch("/ops/legal/privacy?locale=en");
  assertEquals(view.status, 200);
  const viewHtml = await view.text();
  assertStringIncludes(text(viewHtml), "Изменять тексты может только администратор.");
  assert(!viewHtml.includes('name="markdown"'), "no form for a moderator");
  assertEquals(
    (await mod.post("/ops/legal/privacy?locale=en", { markdown: "# Mine" })).status,
    403,
  );
  const modUser = await loadSessionUser(t.services, mod.cookie.split("=")[1]);
  await assertRejects(
    () => saveLegalPage(t.services, modUser, { slug: "privacy", locale: "en", markdown: "# Mine" }),
    ForbiddenError,
  );

  const learner = await signIn(t, "legal_learner");
  assertEquals((await learner.fetch("/ops/legal/privacy")).status, 403);
  assertEquals((await learner.post("/ops/legal/privacy", { markdown: "# Mine" })).status, 403);

  for (const path of ["/ops/legal", "/ops/legal/privacy"]) {
    const res = await t.fetch(path);
    assertEquals(res.status, 303, path);
    assertEquals(res.headers.get("location"), `/login?next=${encodeURIComponent(path)}`);
  }
  const anon = await t.fetch("/ops/legal/privacy", {
    method: "POST",
    body: new URLSearchParams({ markdown: "# Mine" }),
    headers: { "content-type": "application/x-www-form-urlencoded" },
  });
  assert([303, 401, 403].includes(anon.status), `a visitor's POST is refused: ${anon.status}`);
  await anon.body?.cancel();
  assertEquals(await rows(), [], "nothing was saved");
});
