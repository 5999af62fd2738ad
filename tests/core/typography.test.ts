/**
 * Typography: a value never breaks across lines. A number and its unit
 * ("≈ 3 мин", "10 МБ", "50 %") and the digit groups of a number ("10 000")
 * are joined by a no-break space (U+00A0), never a plain space, and never
 * the narrow U+202F that some ICU versions use (and some fonts lack).
 */
import { assertEquals, assertStringIncludes } from "../helpers/assert.ts";
import { openTestApp } from "../helpers/app.ts";
import { signIn } from "../helpers/session.ts";
import { completeDay, makeCourse, setCourseStatus } from "../catalogue/fixtures.ts";
import { formatNumber, NBSP } from "@/core/i18n/format.ts";
import { type MessageKey, translator } from "@/core/i18n/mod.ts";
import { ru } from "@/core/i18n/ru.ts";
import { en } from "@/core/i18n/en.ts";
import { formatDuration } from "@/routes/achievements.tsx";
import { formatBytes, formatDuration as formatOpsDuration } from "@/routes/ops/(_lib)/ui.tsx";

const ruT = translator("ru");
const enT = translator("en");

Deno.test("numbers are grouped with a no-break space in Russian, whatever the ICU's separator", () => {
  assertEquals(ruT.number(10000), `10${NBSP}000`);
  assertEquals(ruT.number(1234567.5), `1${NBSP}234${NBSP}567,5`);
  assertEquals(enT.number(10000), "10,000");
  // A formatter whose locale groups with the narrow space (French) comes out the same way.
  assertEquals(formatNumber("fr-FR", 10000), `10${NBSP}000`);
  // Plural counts go through the same formatter.
  assertEquals(ruT.plural("minutes", 10000), `10${NBSP}000${NBSP}минут`);
});

Deno.test("minutes, durations, sizes and percentages bind the number to the unit", () => {
  const cases: [string, string][] = [
    [ruT("training.step.estimated", { minutes: ruT("minutes.short", { count: 3 }) }), "≈ 3 мин"],
    [enT("training.step.estimated", { minutes: enT("minutes.short", { count: 3 }) }), "≈ 3 min"],
    [ruT.plural("minutes", 5), "5 минут"],
    [ruT.plural("days", 2), "2 дня"],
    [enT.plural("steps", 4), "4 steps"],
    [formatDuration(2 * 3600 + 5 * 60, ruT), "2 ч 5 мин"],
    [formatDuration(125 * 3600, enT), "125 h"],
    [formatBytes(ruT, 1536), "1,5 КБ"],
    [formatBytes(enT, 10 * 1024 * 1024), "10 MB"],
    [formatOpsDuration(ruT, 450), "450 мс"],
    [formatOpsDuration(enT, 3 * 86400_000 + 3600_000), "3 d 1 h"],
    [ruT("upload.tooLarge", { mb: 10 }), "Файл слишком большой (максимум 10 МБ)"],
    [ruT("training.exam.passMark", { pct: 80 }), "Проходной балл — 80 %."],
    [ruT("pet.weight", { value: "12,5" }), "Вес: 12,5 кг"],
  ];
  for (const [got, shape] of cases) {
    // `shape` is written with plain spaces; inside a value they must be no-break ones.
    assertEquals(got.replaceAll(NBSP, " "), shape);
    for (const value of shape.matchAll(/[\d,]+ [^\s\d—(),.]+/g)) {
      assertStringIncludes(got, value[0].replace(" ", NBSP), `"${got}" breaks "${value[0]}"`);
    }
  }
});

/** Words that join a number to the next part of a sentence rather than being its unit. */
const CONNECTORS = new Set([
  "из",
  "of",
  "out",
  "и",
  "до",
  "and",
  "to",
  "или",
  "or",
  "left",
  "completed",
  "earned",
]);

function messages(dict: Record<string, unknown>): [string, string][] {
  return Object.entries(dict).flatMap(([key, msg]) =>
    typeof msg === "string"
      ? [[key, msg] as [string, string]]
      : Object.values(msg as Record<string, string>).map((m) => [key, m] as [string, string])
  );
}

Deno.test("no dictionary message puts a plain space between a number or placeholder and its unit", () => {
  for (const [name, dict] of [["ru", ru], ["en", en]] as const) {
    for (const [key, msg] of messages(dict)) {
      for (const m of msg.matchAll(/(?:\{\w+\}|(?<![\w.,-])\d+) (\p{L}+|%)/gu)) {
        if (CONNECTORS.has(m[1])) continue;
        throw new Error(`${name} ${key as MessageKey}: plain space in "${m[0]}"`);
      }
      assertEquals(msg.includes("≈ "), false, `${name} ${key}: plain space after ≈`);
    }
  }
});

Deno.test("/achievements shows percentages, hours and minutes with no-break spaces", async () => {
  await using t = await openTestApp();
  const trainer = await signIn(t, "typo_trainer", "TRAINER");
  const learner = await signIn(t, "typo_learner");
  const course = await makeCourse(t.services.db, {
    slug: "typo-course",
    authorId: trainer.id,
    days: [{ steps: [{ type: "PRACTICE" }] }, { steps: [{ type: "PRACTICE" }] }],
  });
  await completeDay(t.services.db, learner.id, course.days[0], { activeSeconds: 3900 });
  await setCourseStatus(t.services.db, learner.id, course.id, "IN_PROGRESS", new Date(), null);
  const html = await (await learner.fetch("/achievements")).text();
  assertStringIncludes(html, `<span class="stat__value">50${NBSP}%</span>`);
  assertStringIncludes(html, `<span class="stat__value">1${NBSP}ч 5${NBSP}мин</span>`);
  assertStringIncludes(html, `50${NBSP}%</progress>`);
  assertEquals(/\d (%|ч|мин)(?!\p{L})/u.test(html), false, "a plain space before a unit");
});
