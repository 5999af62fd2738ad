/**
 * `POST /courses/<slug>/diary-sharing`: the learner shows or hides their
 * success diary to the course's trainer (the checkbox on the course page;
 * works without JavaScript), then goes back to the course page.
 */
import { define } from "@/define.ts";
import { formObject } from "@/http/forms.ts";
import { redirect } from "@/http/responses.ts";
import { setDiarySharing } from "@/core/courses/diary_sharing.ts";
import { coursePath } from "@/core/paths.ts";

export const handler = define.handlers({
  async POST(ctx) {
    const form = await formObject(ctx);
    const shared = await setDiarySharing(ctx.state.services, ctx.state.user, ctx.params.slug, form);
    return redirect(`${coursePath(ctx.params.slug)}?diary=${shared ? "on" : "off"}#diary-sharing`);
  },
});
