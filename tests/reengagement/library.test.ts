/**
 * The message library and the tokens, without a database: every variant in
 * both languages, conditions honoured, a deterministic choice that never
 * repeats, placeholders filled safely; signed unsubscribe tokens that
 * cannot be bent to another user; click tokens that say nothing.
 */
import { assert, assertEquals, assertNotEquals } from "../helpers/assert.ts";
import {
  cleanPetName,
  eligible,
  type LearnerFacts,
  LEVELS,
  LIBRARY,
  pickVariant,
  variantVars,
} from "@/core/reengagement/library.ts";
import {
  clickToken,
  isClickToken,
  unsubscribeToken,
  verifyUnsubscribeToken,
} from "@/core/reengagement/tokens.ts";
import { dueLevel } from "@/core/reengagement/campaigns.ts";
import { translator } from "@/core/i18n/mod.ts";
import { ru } from "@/core/i18n/ru.ts";
import { en } from "@/core/i18n/en.ts";
import { fromBase64Url, toBase64Url } from "@/platform/encoding.ts";

const FULL: LearnerFacts = {
  petName: "Рекс",
  bestCourse: { name: "Послушание", slug: "obedience", percent: 42 },
  completedSteps: 17,
};
const BARE: LearnerFacts = { petName: null, bestCourse: null, completedSteps: 2 };

Deno.test("the library has at least three variants per level, each with texts in Russian and English", () => {
  assert(LIBRARY.length >= 12);
  assertEquals(new Set(LIBRARY.map((v) => v.id)).size, LIBRARY.length, "ids are unique");
  for (const level of LEVELS) {
    const of = LIBRARY.filter((v) => v.level === level);
    assert(of.length >= 3, `level ${level} has ${of.length}`);
    assert(of.filter((v) => !v.needs).length >= 1, `level ${level} has one for everybody`);
  }
  for (const v of LIBRARY) {
    for (const key of [v.title, v.body]) {
      assert(Object.hasOwn(ru, key), `ru ${key}`);
      assert(Object.hasOwn(en, key), `en ${key}`);
      assertNotEquals(ru[key], en[key], `${key} is translated`);
    }
  }
});

Deno.test("every variant renders with its placeholders filled, in both languages", () => {
  for (const locale of ["ru", "en"] as const) {
    const t = translator(locale);
    for (const v of LIBRARY) {
      const text = t(v.title, variantVars(FULL)) + " " + t(v.body, variantVars(FULL));
      assertEquals(/[{}]/.test(text), false, `${locale} ${v.id}: ${text}`);
      if (v.needs?.pet) assert(text.includes("Рекс"), `${locale} ${v.id} names the pet`);
      if (v.needs?.bestCourse) {
        assert(text.includes("Послушание"), `${locale} ${v.id} names the course`);
      }
    }
  }
  const v01 = LIBRARY.find((v) => v.id === "v01")!;
  assertEquals(
    translator("en")(v01.body, variantVars({ ...FULL, petName: "Rex" })),
    "Rex\u00a0is waiting for the next session. Just a few minutes today and you're back in the rhythm.",
  );
  assert(translator("ru")(v01.body, variantVars(FULL)).startsWith("Рекс\u00a0ждёт"));
});

Deno.test("placeholders are filled safely: a name is cleaned and never read as a template", () => {
  assertEquals(cleanPetName("  Rex\n\u0007the\u200b  dog "), "Rex the dog");
  assertEquals(cleanPetName(" \n "), null);
  assertEquals(cleanPetName("x".repeat(100))!.length, 40);
  const v = LIBRARY.find((x) => x.id === "v14")!;
  const text = translator("ru")(v.title, variantVars({ ...FULL, petName: "{course}" }));
  assert(text.includes("{course}\u00a0ждёт"), text);
  assertEquals(text.includes("Послушание"), false);
});

Deno.test("the choice honours conditions, is deterministic for a seed and never repeats a variant", () => {
  for (const level of LEVELS) {
    for (let i = 0; i < 50; i++) {
      const v = pickVariant(level, BARE, new Set(), `seed-${i}`)!;
      assertEquals(v.level, level);
      assertEquals(v.needs?.pet ?? v.needs?.bestCourse ?? false, false, `${v.id} needs nothing`);
      assert(eligible(v, BARE));
    }
    // Same seed, same answer.
    assertEquals(
      pickVariant(level, FULL, new Set(), "campaign-1:1")!.id,
      pickVariant(level, FULL, new Set(), "campaign-1:1")!.id,
    );
  }
  // Different seeds reach every eligible variant of a level.
  const seen = new Set<string>();
  for (let i = 0; i < 200; i++) seen.add(pickVariant(2, FULL, new Set(), `s${i}`)!.id);
  assertEquals(seen.size, LIBRARY.filter((v) => v.level === 2).length);
  // minSteps: v12 needs 10 completed steps.
  const few = { ...FULL, completedSteps: 9 };
  for (let i = 0; i < 100; i++) assertNotEquals(pickVariant(3, few, new Set(), `m${i}`)!.id, "v12");

  // Used variants are never picked again; when all are used, none is.
  const used = new Set<string>();
  for (const level of LEVELS) {
    let v;
    while ((v = pickVariant(level, FULL, used, `user:${used.size}`))) {
      assertEquals(used.has(v.id), false);
      used.add(v.id);
    }
  }
  assertEquals(used.size, LIBRARY.length);
});

Deno.test("the due level: the highest reached, never below the next one, null before the first", () => {
  const days = [5, 12, 20, 30];
  const last = new Date("2026-01-01T00:00:00Z");
  const day = (n: number) => new Date(last.getTime() + n * 86_400_000);
  assertEquals(dueLevel(days, last, 1, day(4)), null);
  assertEquals(dueLevel(days, last, 1, day(5)), 1);
  assertEquals(dueLevel(days, last, 2, day(11)), null);
  assertEquals(dueLevel(days, last, 1, day(25)), 3);
  assertEquals(dueLevel(days, last, 4, day(99)), 4);
  assertEquals(dueLevel([3, 7], last, 3, day(99)), null);
});

const config = { secrets: { session: "s".repeat(32), video: "v".repeat(32) } };

Deno.test("an unsubscribe token names its user, and a changed or foreign token is refused", () => {
  const token = unsubscribeToken(config, "user-a");
  assertEquals(verifyUnsubscribeToken(config, token), "user-a");
  const [, sig] = token.split(".");
  // Another user's id with A's signature.
  const forged = `${toBase64Url(new TextEncoder().encode("news:user-b"))}.${sig}`;
  assertEquals(verifyUnsubscribeToken(config, forged), null);
  // The payload is readable and holds nothing secret: the signature is what counts.
  const payload = new TextDecoder().decode(fromBase64Url(token.split(".")[0]));
  assertEquals(payload, "news:user-a");
  // Signed with another secret.
  const other = { secrets: { session: "x".repeat(32), video: "v".repeat(32) } };
  assertEquals(verifyUnsubscribeToken(other, token), null);
  for (const bad of ["", "abc", "a.b.c", token + "x", token.slice(0, -2), "../../etc"]) {
    assertEquals(verifyUnsubscribeToken(config, bad), null, bad);
  }
});

Deno.test("a click token is stable per campaign and level, opaque, and different for each message", () => {
  const a1 = clickToken(config, "campaign-a", 1);
  assertEquals(clickToken(config, "campaign-a", 1), a1);
  assertNotEquals(clickToken(config, "campaign-a", 2), a1);
  assertNotEquals(clickToken(config, "campaign-b", 1), a1);
  assert(isClickToken(a1));
  assertEquals(a1.includes("campaign"), false);
  assertEquals(isClickToken("/courses/obedience"), false);
});
