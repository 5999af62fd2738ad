/**
 * The message library of re-engagement campaigns: variants per level, each
 * with the facts it needs about the learner and its texts as i18n keys
 * (`core/i18n/{ru,en}/reengagement.ts`), so `notify` renders them in the
 * recipient's language with the placeholders filled:
 *
 * - `{pet}`: the name of the learner's first pet,
 * - `{course}` / `{percent}`: the course in progress the learner is furthest
 *   in, and how far (whole percent),
 * - `{steps}`: completed steps in all.
 *
 * Levels follow the original: 1 emotional ("we miss you"), 2 educational,
 * 3 motivational (social proof), 4 the last reminder. Every level has
 * variants without conditions, so every learner gets a message.
 */
import type { MessageKey } from "../i18n/mod.ts";

export type Level = 1 | 2 | 3 | 4;
export const LEVELS: readonly Level[] = [1, 2, 3, 4];

/** What the library may know about a learner (already cleaned for display). */
export interface LearnerFacts {
  petName: string | null;
  bestCourse: { name: string; slug: string; percent: number } | null;
  completedSteps: number;
}

export interface Variant {
  /** Stored per message; never sent twice to one user (a unique index). */
  id: string;
  level: Level;
  needs?: { pet?: true; bestCourse?: true; minSteps?: number };
  title: MessageKey;
  body: MessageKey;
}

const v = (
  id: string,
  level: Level,
  needs?: Variant["needs"],
): Variant => ({
  id,
  level,
  needs,
  title: `reengagement.${id}.title` as MessageKey,
  body: `reengagement.${id}.body` as MessageKey,
});

export const LIBRARY: readonly Variant[] = [
  // 1 — emotional
  v("v01", 1, { pet: true }),
  v("v02", 1),
  v("v03", 1, { bestCourse: true }),
  v("v04", 1),
  // 2 — educational
  v("v05", 2),
  v("v06", 2, { pet: true }),
  v("v07", 2, { bestCourse: true }),
  v("v08", 2, { minSteps: 5 }),
  v("v17", 2),
  // 3 — motivational, social proof
  v("v09", 3),
  v("v10", 3, { pet: true }),
  v("v11", 3, { bestCourse: true }),
  v("v12", 3, { minSteps: 10 }),
  v("v18", 3),
  // 4 — the last reminder
  v("v13", 4),
  v("v14", 4, { pet: true }),
  v("v15", 4, { bestCourse: true }),
  v("v16", 4),
];

/** Whether a variant's conditions hold for the learner. */
export function eligible(variant: Variant, facts: LearnerFacts): boolean {
  const n = variant.needs;
  if (!n) return true;
  if (n.pet && !facts.petName) return false;
  if (n.bestCourse && !facts.bestCourse) return false;
  if (n.minSteps !== undefined && facts.completedSteps < n.minSteps) return false;
  return true;
}

/** FNV-1a: a small, stable hash of the seed (the choice must not change between runs). */
function hash(seed: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < seed.length; i++) {
    h ^= seed.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * The variant of `level` for a learner: one whose conditions hold and that
 * the learner has never received, chosen by `seed` (the same seed gives the
 * same choice, so a retried send picks the same message). Null when none is
 * left.
 */
export function pickVariant(
  level: Level,
  facts: LearnerFacts,
  used: ReadonlySet<string>,
  seed: string,
): Variant | null {
  const options = LIBRARY.filter((x) => x.level === level && !used.has(x.id) && eligible(x, facts));
  if (!options.length) return null;
  return options[hash(seed) % options.length];
}

const NAME_MAX = 40;
const COURSE_MAX = 80;

/** Text from the learner's data made fit for a message: one line, no control characters, short. */
export function cleanText(text: string | null | undefined, max: number): string | null {
  if (!text) return null;
  const one = text.replace(/[\p{Cc}\p{Cf}]/gu, " ").replace(/\s+/g, " ").trim();
  if (!one) return null;
  return one.length <= max ? one : one.slice(0, max - 1).trimEnd() + "…";
}

export const cleanPetName = (name: string | null | undefined) => cleanText(name, NAME_MAX);
export const cleanCourseName = (name: string | null | undefined) => cleanText(name, COURSE_MAX);

/**
 * The placeholders' values. `fill` replaces each `{name}` once and never
 * reads the inserted text again, so a pet called "{course}" stays itself.
 */
export function variantVars(facts: LearnerFacts): Record<string, string | number> {
  return {
    pet: facts.petName ?? "",
    course: facts.bestCourse?.name ?? "",
    percent: facts.bestCourse?.percent ?? 0,
    steps: facts.completedSteps,
  };
}
