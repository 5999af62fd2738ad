/**
 * A learner's personalisation values for a course: the form that asks for
 * them (prefilled from the profile's full name and the first pet), saving
 * them, and the values a page substitutes (core/personalisation/placeholders.ts).
 *
 * Every read and write is keyed by the signed-in user's own id, never by an
 * id from the request, so one learner can neither read nor change another's
 * values. The course must be one the learner may see (404 otherwise).
 */
import { z } from "zod";
import type { Services } from "../services.ts";
import type { SessionUser } from "../auth/session_user.ts";
import { requireUser } from "../auth/guards.ts";
import { AppError } from "../app_error.ts";
import { requireCourse, type Viewer } from "../courses/access.ts";
import { isId } from "@/platform/ids.ts";
import { json } from "@/db/connection.ts";
import {
  type Gender,
  GENDERS,
  type PersonalValues,
  PET_CASES,
  type PetCase,
} from "./placeholders.ts";

// ------------------------------------------------------------- validation

const blank = (v: unknown) => v === undefined || v === null || (typeof v === "string" && !v.trim());

const gender = (message: string) => z.enum(GENDERS as [Gender, ...Gender[]], { error: message });

/**
 * One line (like `line` of core/fields.ts) with this field's message for
 * every failure; no braces: a value must never look like a placeholder.
 */
const noBraces = (max: number, message: string) =>
  z.string().transform((v) => v.replace(/\s+/g, " ").trim()).pipe(
    z.string().min(1, { error: message }).max(max, { error: message }).regex(
      /^[^\p{Cc}{}]*$/u,
      { error: message },
    ),
  );

const caseField = z.preprocess(
  (v) => (blank(v) ? undefined : v),
  z.string({ error: "personalisation.validation.case" }).pipe(
    noBraces(50, "personalisation.validation.case"),
  ).optional(),
);

const CASE_FIELDS: Record<PetCase, string> = {
  genitive: "petGenitive",
  dative: "petDative",
  accusative: "petAccusative",
  instrumental: "petInstrumental",
  prepositional: "petPrepositional",
};

export const personalisationSchema = z.object({
  learnerName: z.string({ error: "personalisation.validation.learnerName" }).pipe(
    noBraces(60, "personalisation.validation.learnerName"),
  ),
  gender: gender("personalisation.validation.gender"),
  petId: z.preprocess(
    (v) => (blank(v) ? undefined : v),
    z.string({ error: "personalisation.validation.pet" }).refine(isId, {
      error: "personalisation.validation.pet",
    }).optional(),
  ),
  // Blank with a pet chosen: the pet's name (filled in `savePersonalisation`).
  petName: z.preprocess(
    (v) => (blank(v) ? undefined : v),
    z.string({ error: "personalisation.validation.petName" }).pipe(
      noBraces(50, "personalisation.validation.petName"),
    ).optional(),
  ),
  petGender: z.preprocess(
    (v) => (blank(v) ? undefined : v),
    gender("personalisation.validation.petGender").optional(),
  ),
  petGenitive: caseField,
  petDative: caseField,
  petAccusative: caseField,
  petInstrumental: caseField,
  petPrepositional: caseField,
});

export const PERSONALISATION_FIELDS = [
  "learnerName",
  "gender",
  "petId",
  "petName",
  "petGender",
  "petGenitive",
  "petDative",
  "petAccusative",
  "petInstrumental",
  "petPrepositional",
] as const;
export type PersonalisationField = typeof PERSONALISATION_FIELDS[number];
export type PersonalisationFormValues = Partial<Record<PersonalisationField, string>>;

// ------------------------------------------------------------------ reads

export interface StoredPersonalisation {
  learnerName: string;
  gender: Gender;
  petId: string | null;
  petName: string;
  petGender: Gender | null;
  petCases: Partial<Record<PetCase, string>>;
}

/** The viewer's own values for the course, or null. */
export async function loadPersonalisation(
  s: Services,
  userId: string,
  courseId: string,
): Promise<StoredPersonalisation | null> {
  const r = await s.db.selectFrom("course_personalisation").selectAll()
    .where("user_id", "=", userId).where("course_id", "=", courseId).executeTakeFirst();
  if (!r) return null;
  return {
    learnerName: r.learner_name,
    gender: r.gender,
    petId: r.pet_id,
    petName: r.pet_name,
    petGender: r.pet_gender,
    petCases: r.pet_cases ?? {},
  };
}

/** Opening a day of a personalised course before giving the values (the page redirects to the form). */
export class PersonalisationRequiredError extends AppError {
  constructor(readonly slug: string) {
    super(409, "personalisation_required", "personalisation.required", {
      message: "the course asks for personalisation first",
    });
    this.name = "PersonalisationRequiredError";
  }
}

/**
 * What a learner's page substitutes: for a personalised course the learner's
 * values (none yet: `PersonalisationRequiredError` when `require`); for any
 * other course only the username (the rest falls back to neutral words).
 */
export async function personalValues(
  s: Services,
  viewer: (Viewer & { username?: string }) | null,
  course: { id: string; slug: string; personalised: boolean },
  opts: { require?: boolean } = {},
): Promise<PersonalValues> {
  if (!viewer) return {};
  if (course.personalised) {
    const p = await loadPersonalisation(s, viewer.id, course.id);
    if (p) {
      return {
        userName: p.learnerName,
        gender: p.gender,
        petName: p.petName,
        petGender: p.petGender,
        petCases: p.petCases,
      };
    }
    if (opts.require) throw new PersonalisationRequiredError(course.slug);
  }
  return { userName: viewer.username ?? await usernameOf(s, viewer.id) };
}

async function usernameOf(s: Services, userId: string): Promise<string | null> {
  const r = await s.db.selectFrom("users").select("username").where("id", "=", userId)
    .executeTakeFirst();
  return r?.username ?? null;
}

export interface PersonalisationPage {
  course: { id: string; slug: string; name: string; personalised: boolean };
  pets: { id: string; name: string }[];
  /** The stored values, or a prefill from the profile's full name and the first pet. */
  values: PersonalisationFormValues;
  saved: boolean;
}

/** The form for the viewer's own values (404 for a course they may not see). */
export async function personalisationPage(
  s: Services,
  viewer: SessionUser | null,
  slug: string,
): Promise<PersonalisationPage> {
  const user = requireUser(viewer);
  const outline = await requireCourse(s, slug, user);
  const course = {
    id: outline.id,
    slug: outline.slug,
    name: outline.name,
    personalised: outline.personalised,
  };
  const pets = await s.db.selectFrom("pets").select(["id", "name"])
    .where("owner_id", "=", user.id).orderBy("created_at").orderBy("id").limit(50).execute();
  const stored = await loadPersonalisation(s, user.id, outline.id);
  if (stored) {
    const values: PersonalisationFormValues = {
      learnerName: stored.learnerName,
      gender: stored.gender,
      petId: stored.petId ?? "",
      petName: stored.petName,
      petGender: stored.petGender ?? "",
    };
    for (const c of PET_CASES) {
      values[CASE_FIELDS[c] as PersonalisationField] = stored.petCases[c] ?? "";
    }
    return { course, pets, values, saved: true };
  }
  const profile = await s.db.selectFrom("user_profiles").select("full_name")
    .where("user_id", "=", user.id).executeTakeFirst();
  const first = pets[0];
  return {
    course,
    pets,
    values: {
      learnerName: (profile?.full_name || user.username).slice(0, 60),
      petId: first?.id ?? "",
      petName: first?.name ?? "",
    },
    saved: false,
  };
}

function petError(): AppError {
  return new AppError(422, "invalid", "personalisation.validation.pet", {
    fields: { petId: "personalisation.validation.pet" },
  });
}

/** Saves the viewer's own values for the course (created or replaced). */
export async function savePersonalisation(
  s: Services,
  viewer: SessionUser | null,
  slug: string,
  input: unknown,
): Promise<void> {
  const user = requireUser(viewer);
  const outline = await requireCourse(s, slug, user);
  const v = personalisationSchema.parse(input);
  let petName = v.petName;
  if (v.petId) {
    // Only the learner's own pet: someone else's id is refused like a missing one.
    const pets = await s.db.selectFrom("pets").select(["id", "name"])
      .where("owner_id", "=", user.id).execute();
    const pet = pets.find((p) => p.id === v.petId);
    if (!pet) throw petError();
    // Without JavaScript the name field still holds the prefilled (first) pet's
    // name after another pet is chosen: a name of another own pet follows the choice.
    if (!petName || pets.some((p) => p.id !== pet.id && p.name === petName)) petName = pet.name;
  }
  if (!petName) {
    throw new AppError(422, "invalid", "personalisation.validation.petName", {
      fields: { petName: "personalisation.validation.petName" },
    });
  }
  const cases: Partial<Record<PetCase, string>> = {};
  for (const c of PET_CASES) {
    const value = v[CASE_FIELDS[c] as keyof typeof v];
    if (typeof value === "string" && value) cases[c] = value;
  }
  const row = {
    learner_name: v.learnerName,
    gender: v.gender,
    pet_id: v.petId ?? null,
    pet_name: petName,
    pet_gender: v.petGender ?? null,
    pet_cases: json(cases),
  };
  await s.db.insertInto("course_personalisation")
    .values({ user_id: user.id, course_id: outline.id, ...row })
    .onConflict((oc) => oc.columns(["user_id", "course_id"]).doUpdateSet(row))
    .execute();
}
