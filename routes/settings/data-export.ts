/**
 * `POST /settings/data-export`: the signed-in user's own data as one zip
 * archive (core/data_export.ts), streamed as it is built. A POST with the
 * CSRF token, so another site cannot start a download; GET goes back to the
 * settings section.
 */
import { define } from "@/define.ts";
import { redirect } from "@/http/responses.ts";
import { exportMyData } from "@/core/data_export.ts";
import { settingsPath } from "@/core/paths.ts";

export const handler = define.handlers({
  GET() {
    return redirect(settingsPath(undefined, "h-data"), 303);
  },
  async POST(ctx) {
    const { filename, body } = await exportMyData(ctx.state.services, ctx.state.user);
    return new Response(body, {
      headers: {
        "content-type": "application/zip",
        "content-disposition": `attachment; filename="${filename}"`,
        "cache-control": "private, no-store",
      },
    });
  },
});
