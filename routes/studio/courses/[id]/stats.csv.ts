/**
 * `/studio/courses/<id>/stats.csv`: every learner's progress on the course
 * as a CSV download (UTF-8 with BOM, formula cells guarded; see
 * `courseProgressCsv`), for the course's author or staff (else 404).
 */
import { define } from "@/define.ts";
import { courseProgressCsv } from "@/core/studio/stats/learners.ts";

export const handler = define.handlers({
  async GET(ctx) {
    const csv = await courseProgressCsv(ctx.state.services, ctx.state.user, ctx.params.id);
    return new Response(csv.body, {
      headers: {
        "content-type": "text/csv; charset=utf-8",
        "content-disposition": `attachment; filename="${csv.filename}"`,
        "cache-control": "private, no-store",
      },
    });
  },
});
