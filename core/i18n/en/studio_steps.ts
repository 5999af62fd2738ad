import type { studioSteps as ru } from "../ru/studio_steps.ts";
import type { Message } from "../format.ts";

export const studioSteps: { [K in keyof typeof ru]: Message } = {
  "studio.menu": "Studio sections",
  "studio.menu.steps": "Steps",
  "studio.menu.steps.text": "Exercises, theory, breaks, diary and exams for your days.",

  "studio.steps.title": "Steps",
  "studio.steps.lead":
    "Steps are the building blocks of your days. One step can be used in several days.",
  "studio.steps.back": "All steps",
  "studio.steps.new": "New step",
  "studio.steps.search": "Search by title",
  "studio.steps.search.submit": "Search",
  "studio.steps.sort": "Sort",
  "studio.steps.sort.updated": "recently changed",
  "studio.steps.sort.title": "by title",
  "studio.steps.sort.type": "by type",
  "studio.steps.empty": "No steps yet. Create the first one, then add it to a course day.",
  "studio.steps.empty.search": "Nothing found for “{q}”.",
  "studio.steps.col.title": "Title",
  "studio.steps.col.type": "Type",
  "studio.steps.col.updated": "Changed",
  "studio.steps.col.author": "Author",
  "studio.steps.col.days": "In days",
  "studio.steps.count": { one: "{count}\u00a0step", other: "{count}\u00a0steps" },

  "studio.steps.new.title": "New step",
  "studio.steps.edit.title": "Step: {title}",
  "studio.steps.create": "Create step",
  "studio.steps.save": "Save",
  "studio.steps.preview": "Preview",
  "studio.steps.preview.title": "How learners will see the description",
  "studio.steps.preview.empty": "The description is empty.",
  "studio.steps.created": "Step created",
  "studio.steps.saved": "Changes saved. Learners see them at once.",
  "studio.steps.deleted": "Step deleted",
  "studio.steps.author": "Author: {name}",

  "studio.steps.field.title": "Title",
  "studio.steps.field.title.hint": "3 to 100\u00a0characters",
  "studio.steps.field.type": "Step type",
  "studio.steps.field.description": "Description",
  "studio.steps.field.description.hint":
    "Markdown: **bold**, *italic*, lists, links. HTML is shown as text.",
  "studio.steps.field.duration": "Timer length",
  "studio.steps.field.duration.hint":
    "mm:ss, e.g. 02:30. Training and break only, up to 100\u00a0minutes.",
  "studio.steps.field.estimatedMinutes": "Estimated time, minutes",
  "studio.steps.field.estimatedMinutes.hint": "How long the step takes, 1 to 1440",
  "studio.steps.field.checklistItems": "Checklist",
  "studio.steps.field.checklistItems.hint":
    "Practice and theory: one item a line, up to 50\u00a0items of 200\u00a0characters.",
  "studio.steps.field.videoUrl": "Video (link)",
  "studio.steps.field.videoUrl.hint": "YouTube, Rutube, VK Video or Vimeo",
  "studio.steps.field.requiresWritten": "Written answer expected",
  "studio.steps.field.requiresVideo": "Video report expected",
  "studio.steps.exam": "What the learner submits",
  "studio.steps.exam.hint": "For an exam: at least one part.",
  "studio.steps.exam.questions": {
    one: "The test has {count}\u00a0question; it is kept.",
    other: "The test has {count}\u00a0questions; they are kept.",
  },
  "studio.steps.optional": "optional",

  "studio.steps.validation.title": "3 to 100\u00a0characters",
  "studio.steps.validation.type": "Choose the step type",
  "studio.steps.validation.duration":
    "For training and break: mm:ss from 00:01 to 100:00, e.g. 02:30",
  "studio.steps.validation.estimated": "Whole minutes from 1 to 1440",
  "studio.steps.validation.checklist": "A checklist item: up to 200\u00a0characters",
  "studio.steps.validation.checklistTooMany": "At most 50\u00a0items",
  "studio.steps.validation.video": "A YouTube, Rutube, VK Video or Vimeo video link",
  "studio.steps.validation.videoBoth":
    "The step already has an uploaded video: no link can be added",
  "studio.steps.validation.examPart":
    "An exam needs at least one part: a test, a written answer or a video report",

  "studio.steps.usages": "Where it is used",
  "studio.steps.usages.none": "The step is not in any day yet.",
  "studio.steps.usages.warning":
    "The step is in several days: a change shows everywhere it is used.",
  "studio.steps.usages.noCourse": "not in any course",
  "studio.steps.usages.draft": "draft",

  "studio.steps.delete": "Delete step",
  "studio.steps.delete.title": "Delete the step “{title}”?",
  "studio.steps.delete.text": "The step is deleted for good. This cannot be undone.",
  "studio.steps.delete.fromDays": "It will be taken out of these days:",
  "studio.steps.delete.confirm": "Yes, delete",
  "studio.steps.delete.cancel": "Cancel",
  "studio.steps.delete.inUse":
    "The step cannot be deleted: learners are working on it ({learners}). Their progress is kept.",
};
