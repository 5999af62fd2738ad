/**
 * Who may watch a trainer's video: its owner, staff, and anyone who may view
 * a course that uses it in a live step of a live day. Asked on every
 * playback request that matters (the key endpoint above all), never cached,
 * so revoking a learner's access to a private course stops new key requests
 * at once.
 *
 * A course's presentation video (`courses.video_id`) counts the same way:
 * whoever may view the course may watch it.
 */
import type { Services } from "../services.ts";
import type { SessionUser } from "../auth/session_user.ts";
import { isStaff } from "../auth/guards.ts";
import { canViewCourse } from "../courses/access.ts";
import { isId } from "@/platform/ids.ts";
import type { CourseAccessKind } from "@/db/schema.ts";

interface CourseRow {
  id: string;
  access: CourseAccessKind;
  published_at: Date | null;
  author_id: string;
  archived_at: Date | null;
  /** The viewer's `course_access` row, read in the same query (null: none, or a visitor). */
  granted: string | null;
}

/** What the rule reads of a course, with the viewer's access row (`ca`). */
const COURSE_COLUMNS = [
  "c.id",
  "c.access",
  "c.published_at",
  "c.author_id",
  "c.archived_at",
  "ca.user_id as granted",
] as const;

/**
 * Courses using the video in a step that is live on a live day of the
 * course, each with the viewer's access row (one query: the key endpoint
 * runs this on every request).
 */
function stepCourses(s: Services, videoId: string, viewerId: string | null): Promise<CourseRow[]> {
  return s.db.selectFrom("steps as st")
    .innerJoin("step_on_day as sd", "sd.step_id", "st.id")
    .innerJoin("training_days as td", "td.id", "sd.day_id")
    .innerJoin("day_on_course as dc", "dc.day_id", "sd.day_id")
    .innerJoin("courses as c", "c.id", "dc.course_id")
    .leftJoin(
      "course_access as ca",
      (j) => j.onRef("ca.course_id", "=", "c.id").on("ca.user_id", "=", viewerId ?? ""),
    )
    .select(COURSE_COLUMNS)
    .distinct()
    .where("st.video_id", "=", videoId)
    .where("st.archived_at", "is", null)
    .where("sd.archived_at", "is", null)
    .where("td.archived_at", "is", null)
    .where("dc.archived_at", "is", null)
    .execute();
}

/** Courses presenting the video on their page (`courses.video_id`), with the viewer's access row. */
function presentationCourses(
  s: Services,
  videoId: string,
  viewerId: string | null,
): Promise<CourseRow[]> {
  return s.db.selectFrom("courses as c")
    .leftJoin(
      "course_access as ca",
      (j) => j.onRef("ca.course_id", "=", "c.id").on("ca.user_id", "=", viewerId ?? ""),
    )
    .select(COURSE_COLUMNS)
    .where("c.video_id", "=", videoId)
    .execute();
}

export async function canWatchVideo(
  s: Services,
  viewer: SessionUser | null,
  videoId: string,
): Promise<boolean> {
  if (!isId(videoId)) return false;
  const video = await s.db.selectFrom("videos").select(["id", "owner_id"])
    .where("id", "=", videoId).executeTakeFirst();
  return !!video && await canWatchLoadedVideo(s, viewer, video);
}

/** `canWatchVideo` for a video row the caller has already read. */
export async function canWatchLoadedVideo(
  s: Services,
  viewer: SessionUser | null,
  video: { id: string; owner_id: string },
): Promise<boolean> {
  if (viewer && (viewer.id === video.owner_id || isStaff(viewer))) return true;
  const viewerId = viewer?.id ?? null;
  const [inSteps, presenting] = await Promise.all([
    stepCourses(s, video.id, viewerId),
    presentationCourses(s, video.id, viewerId),
  ]);
  const courses = [...inSteps, ...presenting];
  // The common case answered from this query alone: a live published course,
  // public or granted to the viewer (a subset of what canViewCourse allows).
  const open = courses.some((c) =>
    c.published_at !== null && c.archived_at === null && (c.access === "PUBLIC" || c.granted)
  );
  if (open) return true;
  // The rest (archived courses open to those who started them, authors) by the course rule itself.
  for (const c of courses) {
    const ok = await canViewCourse(s, {
      id: c.id,
      access: c.access,
      published: c.published_at !== null,
      authorId: c.author_id,
      archived: c.archived_at !== null,
    }, viewer);
    if (ok) return true;
  }
  return false;
}
