/**
 * A step title as one learner should read it outside the day page (their
 * notifications, the "another timer is running" notice): substituted with
 * their values and in their language. Takes the caller's connection, so it
 * reads inside the caller's transaction; a title without placeholders costs
 * no query.
 */
import type { Kysely } from "kysely";
import type { Database } from "@/db/schema.ts";
import { hasPlaceholders, type PersonalValues, substitute } from "./placeholders.ts";

export async function personalTitle(
  db: Kysely<Database>,
  userId: string,
  courseId: string,
  title: string,
): Promise<string> {
  if (!hasPlaceholders(title)) return title;
  const r = await db.selectFrom("users as u")
    .innerJoin("courses as c", (j) => j.on("c.id", "=", courseId))
    .leftJoin(
      "course_personalisation as cp",
      (j) => j.onRef("cp.user_id", "=", "u.id").onRef("cp.course_id", "=", "c.id"),
    )
    .select([
      "u.username",
      "u.locale",
      "c.personalised",
      "cp.learner_name",
      "cp.gender",
      "cp.pet_name",
      "cp.pet_gender",
      "cp.pet_cases",
    ])
    .where("u.id", "=", userId)
    .executeTakeFirst();
  if (!r) return title;
  // Values count only while the course is personalised, as on the day page.
  const values: PersonalValues = r.personalised && r.learner_name
    ? {
      userName: r.learner_name,
      gender: r.gender,
      petName: r.pet_name,
      petGender: r.pet_gender,
      petCases: r.pet_cases,
    }
    : { userName: r.username };
  return substitute(title, values, r.locale);
}
