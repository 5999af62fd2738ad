/**
 * Who may watch a trainer's video: its owner, staff, and anyone who may view
 * a course that uses it in a live step of a live day. Asked on every
 * playback request that matters (the key endpoint above all), never cached,
 * so revoking a learner's access to a private course stops new key requests
 * at once.
 *
 * A course's presentation video (`courses.video_id`) comes with the library
 * slice's migration 0012; until that lands only steps count (see
 * `presentationCourses` below for the few lines to enable then).
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
}

/** Courses using the video in a step that is live on a live day of the course. */
function stepCourses(s: Services, videoId: string): Promise<CourseRow[]> {
  return s.db.selectFrom("steps as st")
    .innerJoin("step_on_day as sd", "sd.step_id", "st.id")
    .innerJoin("training_days as td", "td.id", "sd.day_id")
    .innerJoin("day_on_course as dc", "dc.day_id", "sd.day_id")
    .innerJoin("courses as c", "c.id", "dc.course_id")
    .select(["c.id", "c.access", "c.published_at", "c.author_id", "c.archived_at"])
    .distinct()
    .where("st.video_id", "=", videoId)
    .where("st.archived_at", "is", null)
    .where("sd.archived_at", "is", null)
    .where("td.archived_at", "is", null)
    .where("dc.archived_at", "is", null)
    .execute();
}

export async function canWatchVideo(
  s: Services,
  viewer: SessionUser | null,
  videoId: string,
): Promise<boolean> {
  if (!isId(videoId)) return false;
  const video = await s.db.selectFrom("videos").select("owner_id")
    .where("id", "=", videoId).executeTakeFirst();
  if (!video) return false;
  if (viewer && (viewer.id === video.owner_id || isStaff(viewer))) return true;
  // Public courses first: they need no further query.
  const courses = (await stepCourses(s, videoId))
    .sort((a, b) => (a.access === "PUBLIC" ? 0 : 1) - (b.access === "PUBLIC" ? 0 : 1));
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
