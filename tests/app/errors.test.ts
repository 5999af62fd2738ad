import { assert, assertEquals, assertStringIncludes } from "../helpers/assert.ts";
import { openTestApp } from "../helpers/app.ts";
import { sql } from "kysely";

Deno.test("a database error gives the 500 page with the request id and no SQL or stack", async () => {
  await using t = await openTestApp();
  // Break a table under the running app: every catalogue query now fails in SQL.
  await sql`alter table courses rename to courses_gone`.execute(t.services.db);
  const res = await t.fetch("/courses", { headers: { "x-request-id": "test-req-12345" } });
  assertEquals(res.status, 500);
  const html = await res.text();
  assertStringIncludes(html, "Что-то пошло не так");
  assertStringIncludes(html, "Код запроса: test-req-12345");
  assert(
    !/courses_gone|relation|select |does not exist|\.ts:\d+/i.test(html),
    "no SQL or stack reaches the user",
  );
  await sql`alter table courses_gone rename to courses`.execute(t.services.db);
  assertEquals((await t.fetch("/courses")).status, 200);
});

Deno.test("/ready answers 503 and names the part that fails", async () => {
  await using t = await openTestApp();
  t.services.kv.close();
  const res = await t.fetch("/ready");
  assertEquals(res.status, 503);
  const body = await res.json();
  assertEquals(body.status, "unavailable");
  assertEquals(body.database.ok, true);
  assertEquals(body.kv.ok, false);
});
