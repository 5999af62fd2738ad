/** /ops/audit.csv: the whole audit log as CSV (UTF-8 with BOM, formula cells guarded), streamed. */
import { define } from "@/define.ts";
import { auditExport } from "@/core/audit.ts";
import { csvStream } from "@/core/exports.ts";

export const handler = define.handlers({
  async GET(ctx) {
    const data = await auditExport(ctx.state.services, ctx.state.user);
    const day = new Date().toISOString().slice(0, 10);
    return new Response(csvStream(data), {
      headers: {
        "content-type": "text/csv; charset=utf-8",
        "content-disposition": `attachment; filename="gafus-audit-${day}.csv"`,
        "cache-control": "private, no-store",
      },
    });
  },
});
