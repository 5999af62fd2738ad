/**
 * GET /api/v1/courses/:slug — a course's outline for the caller: details,
 * days with estimated minutes, and for a signed-in learner each day's status
 * and lock, their progress, the next day and the favourite flag. A course
 * the caller may not see is a 404, exactly like one that does not exist.
 */
import { define } from "@/define.ts";
import { courseView } from "@/core/courses/view.ts";
import { dayPath, mediaPath } from "@/core/paths.ts";
import { z } from "zod";
import type { ApiDoc } from "@/http/api_doc.ts";
import { courseOutlineSchema, errorResponses } from "@/http/api_schemas.ts";

export const handler = define.handlers({
  async GET(ctx) {
    const { services, user } = ctx.state;
    const v = await courseView(services, ctx.params.slug, user, ctx.state.locale);
    const c = v.course;
    return Response.json({
      course: {
        id: c.id,
        slug: c.slug,
        name: c.name,
        shortDescription: c.shortDescription,
        description: c.description,
        descriptionHtml: c.descriptionHtml,
        equipment: c.equipment,
        level: c.level,
        duration: c.duration,
        access: c.access,
        published: c.published,
        logoUrl: c.logoKey ? mediaPath(c.logoKey) : null,
        avgRating: c.avgRating,
        reviewCount: c.reviewCount,
        author: {
          username: c.authorUsername,
          name: c.authorName,
          avatarUrl: c.authorAvatarKey ? mediaPath(c.authorAvatarKey) : null,
        },
        days: v.days.map((d) => ({
          id: d.dayOnCourseId,
          title: d.title,
          type: d.type,
          number: d.number,
          stepCount: d.stepCount,
          // Estimated minutes by kind, only the kinds the day has: { training, practice, … }.
          minutes: Object.fromEntries(d.minutes.map((m) => [m.kind, m.minutes])),
          locked: d.locked,
          url: d.locked ? null : dayPath(c.slug, d.dayOnCourseId),
          ...(user ? { status: d.status } : {}),
        })),
      },
      ...(user
        ? {
          favorite: v.favorite,
          progress: v.progress,
          next: v.next
            ? { id: v.next.dayOnCourseId, url: dayPath(c.slug, v.next.dayOnCourseId) }
            : null,
        }
        : {}),
    }, { headers: { "cache-control": "private, no-store" } });
  },
});

export const openapi: ApiDoc = {
  GET: {
    summary: "A course's outline (with the learner's progress when signed in)",
    tags: ["courses"],
    auth: "optional",
    params: z.object({ slug: z.string() }),
    responses: {
      200: { description: "The course", schema: courseOutlineSchema },
      ...errorResponses(404),
    },
  },
};
