/**
 * GET /api/v1/courses — the catalogue for the caller, with the page's query
 * parameters: `tab` (all | progress | favorites), `q`, `level`, `status`
 * (NOT_STARTED | IN_PROGRESS | COMPLETED), `rating` (4 | 3 | any), `sort`
 * (newest | rating | name | progress). Unknown values are a 400 naming the
 * parameter. Private courses appear only for users allowed to see them.
 */
import { define } from "@/define.ts";
import {
  type CatalogueEntry,
  catalogueFor,
  catalogueQuerySchema,
  parseCatalogueQuery,
  viewCatalogue,
} from "@/core/courses/catalogue.ts";
import { coursePath, mediaPath } from "@/core/paths.ts";
import { requireUser } from "@/core/auth/guards.ts";
import { z } from "zod";
import type { ApiDoc } from "@/http/api_doc.ts";
import { courseSummarySchema, errorResponses } from "@/http/api_schemas.ts";

export function courseSummaryJson(e: CatalogueEntry, signedIn: boolean) {
  const c = e.course;
  return {
    id: c.id,
    slug: c.slug,
    name: c.name,
    shortDescription: c.shortDescription,
    level: c.level,
    duration: c.duration,
    access: c.access,
    logoUrl: c.logoKey ? mediaPath(c.logoKey) : null,
    avgRating: c.avgRating,
    reviewCount: c.reviewCount,
    dayCount: c.dayCount,
    publishedAt: c.publishedAt.toISOString(),
    author: {
      username: c.authorUsername,
      name: c.authorName,
      avatarUrl: c.authorAvatarKey ? mediaPath(c.authorAvatarKey) : null,
    },
    url: coursePath(c.slug),
    ...(signedIn
      ? {
        favorite: e.favorite,
        progress: {
          status: e.progress?.status ?? "NOT_STARTED",
          completedDays: e.progress?.completedDays ?? 0,
          totalDays: e.progress?.totalDays ?? c.dayCount,
        },
      }
      : {}),
  };
}

export const handler = define.handlers({
  async GET(ctx) {
    const { services, user, locale } = ctx.state;
    const query = parseCatalogueQuery(ctx.url.searchParams);
    // Progress and favourites are per learner: those tabs need a session.
    if (query.tab !== "all" || query.filters.status) requireUser(user);
    const entries = await catalogueFor(services, user);
    const view = viewCatalogue(entries, query, locale);
    const courses = view.items.filter((i) => i.match).map((i) =>
      courseSummaryJson(i.entry, user !== null)
    );
    return Response.json(
      { courses, total: courses.length },
      {
        headers: user
          ? { "cache-control": "private, no-store" }
          : { "cache-control": "public, max-age=60", vary: "cookie" },
      },
    );
  },
});

export const openapi: ApiDoc = {
  GET: {
    summary: "The catalogue for the caller, filtered and sorted as the page does",
    description: "The `progress` and `favorites` tabs and the `status` filter need a session.",
    tags: ["courses"],
    auth: "optional",
    query: catalogueQuerySchema,
    responses: {
      200: {
        description: "Matching courses",
        schema: z.object({ courses: z.array(courseSummarySchema), total: z.number().int() }),
      },
      ...errorResponses(400, 401),
    },
  },
};
