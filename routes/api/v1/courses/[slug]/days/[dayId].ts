/**
 * `GET /api/v1/courses/<slug>/days/<dayOnCourseId>` → the signed-in
 * learner's day, as the day page shows it: the day, its steps in order with
 * the learner's state of each (timer, exam result, video position), the
 * neighbouring days and the course's diary entries when the day has a diary
 * step. Like the page, it writes nothing except finishing timers whose time
 * is up. Exam questions come without their right answers. A day or course
 * the learner may not see is 404; a locked summary day answers
 * `locked: true` with no steps; a personalised course not personalised yet
 * is 409 `personalisation_required`.
 */
import { z } from "zod";
import { define } from "@/define.ts";
import type { ApiDoc } from "@/http/api_doc.ts";
import { errorResponses, learnerDaySchema } from "@/http/api_schemas.ts";
import { requireUser } from "@/core/auth/guards.ts";
import { type DayPage, openDay } from "@/core/training/day.ts";
import type { OutlineDay } from "@/core/courses/outline.ts";
import { coursePath, dayApiPath } from "@/core/paths.ts";

function dayRef(slug: string, d: OutlineDay | null) {
  return d
    ? {
      id: d.dayOnCourseId,
      title: d.title,
      number: d.number,
      url: dayApiPath(slug, d.dayOnCourseId),
    }
    : null;
}

/** The JSON of a day page (exported for the offline bundle and tests). */
export function learnerDayJson(p: DayPage) {
  const slug = p.course.slug;
  return {
    course: { ...p.course, url: coursePath(slug) },
    day: {
      id: p.day.dayOnCourseId,
      title: p.day.title,
      type: p.day.type,
      number: p.day.number,
      description: p.day.description,
      descriptionHtml: p.day.descriptionHtml,
      equipment: p.day.equipment,
      status: p.status,
      completedElsewhere: p.completedElsewhere,
      locked: p.locked,
      daysLeft: p.daysLeft,
      done: p.done,
      url: dayApiPath(slug, p.day.dayOnCourseId),
    },
    steps: p.steps.map((st) => ({
      id: st.stepOnDayId,
      index: st.index,
      title: st.title,
      type: st.type,
      description: st.description,
      descriptionHtml: st.descriptionHtml,
      durationSec: st.durationSec,
      estimatedSec: st.estimatedSec,
      embed: st.embed,
      video: st.video,
      images: st.images,
      pdfs: st.pdfs,
      checklistItems: st.checklistItems,
      // The right answers stay on the server: shown, a learner could copy them.
      questions: st.checklist.map((q) => ({ id: q.id, question: q.question, options: q.options })),
      requiresVideo: st.requiresVideo,
      requiresWritten: st.requiresWritten,
      passPercent: st.passPercent,
      state: {
        status: st.status,
        paused: st.paused,
        remainingMs: st.remainingMs,
        endsAt: st.endsAt?.toISOString() ?? null,
        activeSeconds: st.activeSeconds,
      },
      exam: st.exam
        ? {
          ...st.exam,
          reviewedAt: st.exam.reviewedAt?.toISOString() ?? null,
          submittedAt: st.exam.submittedAt.toISOString(),
        }
        : null,
      videoStartAt: st.videoStartAt,
    })),
    prev: dayRef(slug, p.prev),
    next: dayRef(slug, p.next),
    diary: p.diary.map((e) => ({ ...e, updatedAt: e.updatedAt.toISOString() })),
  };
}

export const handler = define.handlers({
  async GET(ctx) {
    const user = requireUser(ctx.state.user);
    const page = await openDay(ctx.state.services, user, ctx.params.slug, ctx.params.dayId, {
      locale: ctx.state.locale,
    });
    return Response.json(learnerDayJson(page), {
      headers: { "cache-control": "private, no-store" },
    });
  },
});

export const openapi: ApiDoc = {
  GET: {
    summary: "A day of a course with its steps and the learner's state of each",
    tags: ["training"],
    auth: "user",
    params: z.object({ slug: z.string(), dayId: z.string().describe("The day-on-course id") }),
    responses: {
      200: { description: "The day", schema: learnerDaySchema },
      ...errorResponses(401, 404, 409),
    },
  },
};
