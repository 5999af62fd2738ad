/**
 * A small course for the offline tests: two regular days (the first with an
 * image and a PDF in storage) and a summary day, locked until the others are
 * done.
 */
import { json } from "@/db/connection.ts";
import { invalidateCourses } from "@/core/courses/cache.ts";
import type { TestApp } from "../helpers/app.ts";
import { type CourseFixture, makeCourse } from "../training/helpers.ts";

export interface OfflineCourse extends CourseFixture {
  imageUrl: string;
  pdfUrl: string;
  imageBytes: number;
  pdfBytes: number;
}

/** A tiny valid PNG (1×1), so the browser stores a real image. */
const PNG_1X1 = Uint8Array.from(
  atob(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==",
  ),
  (c) => c.charCodeAt(0),
);

export async function makeOfflineCourse(
  t: TestApp,
  opts: { access?: "PUBLIC" | "PRIVATE"; slug?: string } = {},
): Promise<OfflineCourse> {
  const course = await makeCourse(t, {
    access: opts.access,
    slug: opts.slug,
    days: [
      {
        title: "Знакомство",
        steps: [{ type: "THEORY", title: "Как читать собаку", description: "Смотрите на хвост." }],
      },
      { title: "Команда «сидеть»", steps: [{ type: "PRACTICE", title: "Сидеть у двери" }] },
      { title: "Итоги", type: "summary", steps: [{ type: "THEORY", title: "Что дальше" }] },
    ],
  });
  const stepId = course.days[0].stepIds[0];
  const imageKey = `steps/${stepId}/tail.png`;
  const pdfKey = `steps/${stepId}/guide.pdf`;
  const pdf = new TextEncoder().encode("%PDF-1.4\n% offline guide\n%%EOF\n");
  await t.services.storage.put(imageKey, PNG_1X1, { contentType: "image/png" });
  await t.services.storage.put(pdfKey, pdf, { contentType: "application/pdf" });
  await t.services.db.updateTable("steps").set({
    images: json([imageKey]),
    pdfs: json([{ key: pdfKey, name: "Памятка.pdf" }]),
  }).where("id", "=", stepId).execute();
  invalidateCourses(t.services);
  return {
    ...course,
    imageUrl: `/media/${imageKey}`,
    pdfUrl: `/media/${pdfKey}`,
    imageBytes: PNG_1X1.byteLength,
    pdfBytes: pdf.byteLength,
  };
}

/** Changes the first day's step text (as the studio would) and drops the content cache. */
export async function editFirstStep(t: TestApp, c: CourseFixture, description: string) {
  await t.services.db.updateTable("steps").set({ description })
    .where("id", "=", c.days[0].stepIds[0]).execute();
  invalidateCourses(t.services);
}
