/**
 * Per-IP limits must count the client, not something the client chooses:
 * behind a trusted proxy the address that proxy saw (the last
 * X-Forwarded-For entry, which it appends), and for IPv6 the network a
 * client gets (a /64), not each of its 2^64 addresses.
 */
import { assertEquals } from "../helpers/assert.ts";
import { openTestApp } from "../helpers/app.ts";
import { RATE_RULES } from "@/core/rate_limit.ts";
import { Visitor } from "./helpers.ts";

const LIMIT = RATE_RULES.loginFailuresIp.limit;

async function failedLogin(v: Visitor, i: number, headers: HeadersInit = {}): Promise<number> {
  // Unknown and distinct logins: only the per-IP limit can refuse them.
  const res = await v.postJson("/api/v1/auth/login", {
    login: `nobody_${i}`,
    password: "wrong-password",
  }, headers);
  await res.body?.cancel();
  return res.status;
}

Deno.test("behind a trusted proxy, a client cannot escape the login limit by sending its own X-Forwarded-For", async () => {
  await using t = await openTestApp({ TRUST_PROXY: "true" });
  // Every request arrives from the proxy (10.0.0.2), which appends the client's address.
  const v = await new Visitor(t, "10.0.0.2").start();
  const statuses: number[] = [];
  for (let i = 0; i <= LIMIT; i++) {
    statuses.push(
      await failedLogin(v, i, { "x-forwarded-for": `198.51.100.${i}, 203.0.113.7` }),
    );
  }
  assertEquals(statuses.slice(0, LIMIT).every((s) => s === 401), true, String(statuses));
  assertEquals(statuses[LIMIT], 429, `attempt ${LIMIT + 1}: ${statuses}`);
});

Deno.test("an IPv6 client cannot escape the login limit by rotating addresses in its /64", async () => {
  await using t = await openTestApp();
  const statuses: number[] = [];
  for (let i = 0; i <= LIMIT; i++) {
    const v = await new Visitor(t, `2001:db8:1:2::${(i + 1).toString(16)}`).start();
    statuses.push(await failedLogin(v, i));
  }
  assertEquals(statuses[LIMIT], 429, `attempt ${LIMIT + 1}: ${statuses}`);
});
