/**
 * The links in a campaign message: the signed one-click unsubscribe (a page
 * with a button, a plain form POST, a mail service's RFC 8058 POST without
 * session or CSRF token; bad tokens are a bare 404) stops the campaign and
 * every later message; the tracked link records the first click and
 * redirects without naming its target.
 */
import { assert, assertEquals, assertStringIncludes } from "../helpers/assert.ts";
import { openTestApp, type TestApp } from "../helpers/app.ts";
import { signIn } from "../helpers/session.ts";
import { messageLinks, runReengagement } from "@/core/reengagement/campaigns.ts";
import { unsubscribeToken } from "@/core/reengagement/tokens.ts";
import { getPrefs } from "@/core/notification_prefs.ts";
import { absoluteUrl, clickPath, unsubscribePath } from "@/core/paths.ts";
import { toBase64Url } from "@/platform/encoding.ts";
import { at, campaigns, complete, course, inApp, learner, messages, T0 } from "./helpers.ts";

async function withMessage(t: TestApp, username: string) {
  const c = await course(t, `course-${username.replaceAll("_", "-")}`);
  const userId = await learner(t, c, username, { steps: 3, last: T0 });
  await runReengagement(t.services, { now: at(5) });
  const [msg] = await messages(t, userId);
  const [camp] = await campaigns(t, userId);
  const links = messageLinks(t.config, camp.id, 1, userId);
  return { c, userId, msg, camp, links, path: new URL(links.unsubscribeUrl).pathname };
}

Deno.test("every message carries a signed, absolute unsubscribe address and a tracked link", async () => {
  await using t = await openTestApp();
  const { userId, msg, links } = await withMessage(t, "links_carry");
  assertEquals(
    links.unsubscribeUrl,
    absoluteUrl(t.config, unsubscribePath(unsubscribeToken(t.config, userId))),
  );
  assert(links.unsubscribeUrl.startsWith(t.config.publicUrl + "/unsubscribe/"));
  const [note] = await inApp(t, userId);
  assertEquals(note.url, clickPath(msg.click_token!));
  assertEquals(links.url, note.url);
});

Deno.test("the unsubscribe page confirms first; its button unsubscribes from news and ends the campaign", async () => {
  await using t = await openTestApp();
  const { userId, path } = await withMessage(t, "links_page");
  const page = await t.fetch(path);
  assertEquals(page.status, 200);
  const html = await page.text();
  assertStringIncludes(html, "Отписка от напоминаний");
  assertStringIncludes(html, `<form class="form" method="post" action="${path}">`);
  // Looking changes nothing.
  assertEquals((await campaigns(t, userId))[0].status, "ACTIVE");
  assertEquals((await getPrefs(t.services, userId)).news.push, true);

  // A visitor's browser (no session, no CSRF token): POST, then the notice.
  const posted = await t.fetch(path, {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      origin: "http://localhost:8000",
    },
    body: "",
  });
  assertEquals(posted.status, 303);
  assertEquals(posted.headers.get("location"), `${path}?done=1`);
  const done = await (await t.fetch(`${path}?done=1`, { headers: { "accept-language": "en" } }))
    .text();
  assertStringIncludes(done, "You have unsubscribed");
  assertStringIncludes(done, `href="/settings"`);

  const prefs = await getPrefs(t.services, userId);
  assertEquals(prefs.news, { push: false, telegram: false, email: false });
  assertEquals(prefs.training.push, true, "other categories stay");
  const [camp] = await campaigns(t, userId);
  assertEquals([camp.status, camp.end_reason, camp.unsubscribed], [
    "UNSUBSCRIBED",
    "unsubscribed",
    true,
  ]);

  // No further message, and no new campaign even after new activity.
  const c = await course(t, "links-page-2");
  for (const day of [12, 20, 30]) {
    assertEquals((await runReengagement(t.services, { now: at(day) })).sent, 0);
  }
  await complete(t, userId, c, [at(31), at(32)]);
  const r = await runReengagement(t.services, { now: at(40) });
  assertEquals([r.started, r.sent], [0, 0]);
  assertEquals((await messages(t, userId)).length, 1);
  // A second POST is harmless.
  const again = await t.fetch(path, { method: "POST" });
  assertEquals(again.status, 303);
});

Deno.test("a mail service's one-click POST (RFC 8058) unsubscribes without session or CSRF token", async () => {
  await using t = await openTestApp();
  const { userId, links } = await withMessage(t, "links_oneclick");
  const res = await fetchOneClick(t, links.unsubscribeUrl);
  assertEquals(res.status, 200);
  assertStringIncludes(await res.text(), "Вы отписались");
  assertEquals((await campaigns(t, userId))[0].status, "UNSUBSCRIBED");
  assertEquals((await getPrefs(t.services, userId)).news.telegram, false);
  assertEquals((await runReengagement(t.services, { now: at(12) })).sent, 0);

  // The same request as multipart/form-data (RFC 8058 allows both).
  const form = new FormData();
  form.set("List-Unsubscribe", "One-Click");
  const multipart = await t.fetch(new URL(links.unsubscribeUrl).pathname, {
    method: "POST",
    body: form,
  });
  assertEquals(multipart.status, 200);
});

function fetchOneClick(t: TestApp, url: string) {
  return t.fetch(new URL(url).pathname, {
    method: "POST",
    // From the mail service's servers: another origin, no cookie.
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      origin: "https://mail.example",
    },
    body: "List-Unsubscribe=One-Click",
  });
}

Deno.test("a bad unsubscribe token is a bare 404 and changes nothing", async () => {
  await using t = await openTestApp();
  const { userId, path } = await withMessage(t, "links_bad");
  const victim = await signIn(t, "links_victim");
  const [body, sig] = path.split("/").at(-1)!.split(".");
  // Another user's id under this user's signature, a truncated signature, junk.
  const forged = `${toBase64Url(new TextEncoder().encode(`news:${victim.id}`))}.${sig}`;
  for (const token of [forged, `${body}.${sig.slice(0, -3)}`, "nonsense", "a.b"]) {
    const get = await t.fetch(unsubscribePath(token));
    assertEquals(get.status, 404, token);
    // The same page as any unknown address: nothing about users, signatures or expiry.
    const text = await get.text();
    assertEquals(/signature|invalid|expired|подпис|недейств/i.test(text), false, "no detail");
    assertEquals(text.includes(victim.id), false);
    const post = await t.fetch(unsubscribePath(token), {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "List-Unsubscribe=One-Click",
    });
    assertEquals(post.status, 404, token);
  }
  assertEquals((await getPrefs(t.services, victim.id)).news.push, true);
  assertEquals((await getPrefs(t.services, userId)).news.push, true);
  assertEquals((await campaigns(t, userId))[0].status, "ACTIVE");
});

Deno.test("the tracked link records the first click and redirects to its target, which the link never names", async () => {
  await using t = await openTestApp();
  const { userId, msg, c } = await withMessage(t, "links_click");
  assertEquals(msg.url, `/courses/${c.slug}`, "the learner's course in progress");
  const link = clickPath(msg.click_token!);
  assertEquals(link.includes(c.slug), false);

  // Link previews do not count.
  const head = await t.fetch(link, { method: "HEAD" });
  assertEquals([head.status, head.headers.get("location")], [303, msg.url]);
  const bot = await t.fetch(link, {
    headers: { "user-agent": "TelegramBot (like TwitterBot)" },
  });
  assertEquals(bot.status, 303);
  assertEquals((await messages(t, userId))[0].clicked_at, null);

  const res = await t.fetch(link);
  assertEquals(res.status, 303);
  assertEquals(res.headers.get("location"), msg.url);
  const first = (await messages(t, userId))[0].clicked_at;
  assert(first instanceof Date);
  await new Promise((r) => setTimeout(r, 5));
  await t.fetch(link);
  assertEquals((await messages(t, userId))[0].clicked_at?.getTime(), first.getTime());

  // Unknown or malformed tokens lead home.
  for (const bad of ["A".repeat(22), "x", "..%2F..%2Fevil", "%2F%2Fevil.example"]) {
    const r = await t.fetch(`/r/${bad}`);
    assertEquals([r.status, r.headers.get("location")], [303, "/"], bad);
  }
});

Deno.test("a stored target that is not a path on this site is never followed", async () => {
  await using t = await openTestApp();
  const { msg } = await withMessage(t, "links_open");
  for (const url of ["//evil.example/x", "https://evil.example", "/.//evil.example", "/\\evil"]) {
    await t.services.db.updateTable("reengagement_notifications")
      .set({ url }).where("id", "=", msg.id).execute();
    const r = await t.fetch(clickPath(msg.click_token!));
    assertEquals(r.headers.get("location"), "/", url);
  }
});
