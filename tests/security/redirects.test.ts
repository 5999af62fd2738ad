/**
 * Open redirects: every redirect the app answers with must stay on this
 * site. A Location that starts with "//" is protocol-relative: the browser
 * goes to that host.
 */
import { assert, assertEquals } from "../helpers/assert.ts";
import { openTestApp } from "../helpers/app.ts";
import { signIn, TEST_PASSWORD } from "../helpers/session.ts";
import { seedDemo } from "@/core/demo/seed.ts";
import { safeNext } from "@/http/redirect.ts";
import { Visitor } from "./helpers.ts";

const ORIGIN = "http://localhost:8000";

/** Where a browser on our origin goes with this Location header. */
function target(location: string | null): string {
  assert(location !== null, "a redirect has a Location");
  return new URL(location, ORIGIN + "/somewhere/here").origin;
}

/** `next=` values that normalise to "//evil.example" once dot segments are removed. */
const DOT_SEGMENT_ESCAPES = [
  "/.//evil.example",
  "/..//evil.example",
  "/a/..//evil.example/x",
  "/%2e//evil.example",
  "/./%2e//evil.example?x=1",
];

Deno.test("safeNext never returns a protocol-relative path", () => {
  for (const next of DOT_SEGMENT_ESCAPES) {
    const out = safeNext(next);
    assert(!out.startsWith("//"), `${next} -> ${out}`);
    assertEquals(new URL(out, ORIGIN).origin, ORIGIN, next);
  }
});

Deno.test("the language switch only sends the visitor back to a page of this site", async () => {
  await using t = await openTestApp();
  for (const next of DOT_SEGMENT_ESCAPES) {
    const res = await t.fetch(`/locale/en?next=${encodeURIComponent(next)}`, {
      redirect: "manual",
    });
    await res.body?.cancel();
    assertEquals(res.status, 303);
    assertEquals(target(res.headers.get("location")), ORIGIN, `next=${next}`);
  }
});

Deno.test("signing in with next= never sends the browser to another site", async () => {
  await using t = await openTestApp();
  const user = await signIn(t, "redirected");
  // Each sign-in costs a password hash: two of the escapes are enough here.
  for (const next of DOT_SEGMENT_ESCAPES.slice(0, 2)) {
    const v = await new Visitor(t).start();
    const res = await v.postForm("/login", {
      login: user.username,
      password: TEST_PASSWORD,
      next,
    });
    assertEquals(res.status, 303);
    assertEquals(target(res.headers.get("location")), ORIGIN, `next=${next}`);
    // Nor does the login page carry such a `next` into its form.
    const page = await (await v.fetch(`/login?next=${encodeURIComponent(next)}`)).text();
    const carried = /name="next" value="([^"]*)"/.exec(page)?.[1] ?? "";
    assert(!carried.startsWith("//"), `the form carries ${carried}`);
  }
});

Deno.test("the no-JS favourite form returns only to a page of this site", async () => {
  await using t = await openTestApp();
  await seedDemo(t.services.db, { print: () => {} });
  const learner = await signIn(t, "learner");
  const res = await learner.post("/favorites", {
    slug: "eto-baza",
    favorite: "true",
    next: "/.//evil.example",
  });
  assertEquals(res.status, 303);
  assertEquals(target(res.headers.get("location")), ORIGIN);
});

Deno.test("the trailing-slash redirect of any path stays on this site", async () => {
  await using t = await openTestApp();
  // A browser sends such a path as it is: https://gafus.example//evil.example/
  for (const path of ["//evil.example/", "//evil.example/courses/", "///evil.example/"]) {
    const res = await t.app.fetch(new Request(ORIGIN + path));
    await res.body?.cancel();
    if (res.status >= 300 && res.status < 400) {
      assertEquals(
        target(res.headers.get("location")),
        ORIGIN,
        `${path} -> ${res.headers.get("location")}`,
      );
    }
  }
});
