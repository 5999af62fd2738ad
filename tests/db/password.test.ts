import assert from "node:assert/strict";
import { scrypt } from "node:crypto";
import {
  CURRENT_PARAMS,
  hashPassword,
  needsRehash,
  verifyAgainstNothing,
  verifyPassword,
} from "@/core/auth/password.ts";
import { toBase64Url } from "@/platform/encoding.ts";

Deno.test("password hash: round trip, wrong password, parameters in the string", async () => {
  const hash = await hashPassword("Щенок-2024!");
  assert.match(hash, /^scrypt\$ln=15,r=8,p=1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
  assert.equal(await verifyPassword("Щенок-2024!", hash), true);
  assert.equal(await verifyPassword("щенок-2024!", hash), false);
  assert.equal(await verifyPassword("", hash), false);
  assert.equal(needsRehash(hash), false);
});

Deno.test("password hash: a fresh salt every time", async () => {
  const [a, b] = await Promise.all([hashPassword("same"), hashPassword("same")]);
  assert.notEqual(a, b);
  assert.equal(await verifyPassword("same", a), true);
  assert.equal(await verifyPassword("same", b), true);
});

Deno.test("password hash: verification uses the parameters stored in the hash", async () => {
  // A hash made with weaker, older parameters still verifies, and asks for a rehash.
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const key = await new Promise<Uint8Array>((resolve, reject) =>
    scrypt(
      "old-password",
      salt,
      32,
      { N: 2 ** 10, r: 8, p: 1 },
      (e, k) => e ? reject(e) : resolve(k),
    )
  );
  const old = `scrypt$ln=10,r=8,p=1$${toBase64Url(salt)}$${toBase64Url(key)}`;
  assert.equal(await verifyPassword("old-password", old), true);
  assert.equal(await verifyPassword("other", old), false);
  assert.equal(needsRehash(old), true);
  assert.deepEqual(CURRENT_PARAMS, { ln: 15, r: 8, p: 1 });
});

Deno.test("password hash: malformed or hostile hashes never verify", async () => {
  const good = await hashPassword("pw");
  const cases = [
    "",
    "plain-text-password",
    "$2b$10$abcdefghijklmnopqrstuuABCDEFGHIJKLMNOPQRSTUVWXYZ01234", // bcrypt
    good.replace("ln=15", "ln=40"), // absurd memory cost
    good.replace("r=8", "r=999"),
    good.split("$").slice(0, 3).join("$"),
    good + "$extra",
  ];
  for (const stored of cases) {
    assert.equal(await verifyPassword("pw", stored), false, stored);
    assert.equal(needsRehash(stored), true, stored);
  }
});

Deno.test("password hash: Unicode forms of the same password match (NFKC)", async () => {
  const composed = "пароль-й"; // й as one code point
  const decomposed = "пароль-и\u0306"; // и + combining breve
  assert.notEqual(composed, decomposed);
  const hash = await hashPassword(composed);
  assert.equal(await verifyPassword(decomposed, hash), true);
});

Deno.test("verifyAgainstNothing takes time and is always false", async () => {
  assert.equal(await verifyAgainstNothing("anything"), false);
});

Deno.test("password hash cost stays in the intended range", async () => {
  await hashPassword("warm-up");
  const times: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    await hashPassword("timing");
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  // ~75–80 ms here; generous bounds so a busy CI machine does not flake.
  assert.ok(times[0] > 10 && times[0] < 1000, `median-ish ${times[1].toFixed(0)} ms`);
});
