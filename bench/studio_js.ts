/**
 * JavaScript the studio's editors ship (gzip, from the build's meta, as the
 * learner pages are counted in learn.ts): the step editor with the live
 * Markdown preview, and the day and course editors with drag-and-drop
 * reordering. Target: ≤ 30 KB each (issue 11); tests/studio/js_budget.test.ts
 * fails over it.
 */
import { fmt } from "./lib.ts";
import { pageJsBytes } from "./learn.ts";
import { withPostgresApp } from "./pg_app.ts";
import { studioCoursePath, studioDayPath, studioStepPath } from "@/core/paths.ts";

export async function runStudioJsBench(serverUrl: string): Promise<string[]> {
  return await withPostgresApp(serverUrl, async (env) => {
    // The demo trainer's own content (the seed gives them steps, days and courses).
    const trainer = await env.db.selectFrom("users").select("id")
      .where("username", "=", "trainer").executeTakeFirstOrThrow();
    const { cookie } = await env.sessionFor(trainer.id);
    const step = await env.db.selectFrom("steps").select("id")
      .where("author_id", "=", trainer.id).orderBy("id").executeTakeFirstOrThrow();
    const day = await env.db.selectFrom("training_days").select("id")
      .where("author_id", "=", trainer.id).orderBy("id").executeTakeFirstOrThrow();
    const course = await env.db.selectFrom("courses").select("id")
      .where("author_id", "=", trainer.id).orderBy("id").executeTakeFirstOrThrow();
    const rows: [string, string][] = [
      ["/studio/steps/<id> (step editor, live preview)", studioStepPath(step.id)],
      ["/studio/days/<id> (day editor, reordering)", studioDayPath(day.id)],
      ["/studio/courses/<id> (course editor, reordering)", studioCoursePath(course.id)],
    ];
    const out = [
      "## JavaScript shipped (gzip), studio",
      "",
      "| page | bytes | target |",
      "|---|---:|---|",
    ];
    for (const [name, path] of rows) {
      const bytes = await pageJsBytes(`${env.url}${path}`, cookie);
      out.push(`| ${name} | ${bytes} (${fmt(bytes / 1024, 1)} KB) | ≤ 30 KB |`);
    }
    out.push("");
    return out;
  });
}
