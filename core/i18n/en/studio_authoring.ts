import type { studioAuthoring as ru } from "../ru/studio_authoring.ts";
import type { Message } from "../format.ts";

export const studioAuthoring: { [K in keyof typeof ru]: Message } = {
  "training.step.checklist": "Checklist",

  "studio.authoring.q.title": "Test (for an exam)",
  "studio.authoring.q.count": { one: "{count}\u00a0question", other: "{count}\u00a0questions" },
  "studio.authoring.q.hint":
    "Up to {max}\u00a0questions, each with 2 to 6\u00a0answers; mark the correct one. A blank question is not saved. The add and remove buttons save nothing: save the step at the end.",
  "studio.authoring.q.n": "Question {n}",
  "studio.authoring.q.question.label": "Question",
  "studio.authoring.q.options.label": "Answers ({min} to {max}); mark the correct one",
  "studio.authoring.q.correct.label": "Correct: answer {n}",
  "studio.authoring.q.option.label": "Answer {n}",
  "studio.authoring.q.removeOption": "Remove answer {n}",
  "studio.authoring.q.addOption": "Add an answer",
  "studio.authoring.q.comment.label": "Comment on the answer",
  "studio.authoring.q.comment.hint":
    "The learner sees it after answering. Up to 500\u00a0characters.",
  "studio.authoring.q.remove": "Delete question {n}",
  "studio.authoring.q.add": "Add a question",
  "studio.authoring.q.question": "Question: 3 to 500\u00a0characters",
  "studio.authoring.q.option": "Answer: at most 200\u00a0characters",
  "studio.authoring.q.options": "2 to 6\u00a0answers are needed",
  "studio.authoring.q.correct": "Mark the correct answer",
  "studio.authoring.q.comment": "Comment: at most 500\u00a0characters",
  "studio.authoring.q.tooMany": "At most 50\u00a0questions",

  "studio.authoring.used.step": {
    one: "This step is used in {count}\u00a0course",
    other: "This step is used in {count}\u00a0courses",
  },
  "studio.authoring.used.day": {
    one: "This day is used in {count}\u00a0course",
    other: "This day is used in {count}\u00a0courses",
  },
  "studio.authoring.used.before": "The learners of all these courses will see the change.",
  "studio.authoring.used.after": "The learners of all these courses now see the change.",
  "studio.authoring.day.inUse":
    "Learners have progress on this day ({learners}): it cannot be deleted, only archived.",
  "studio.authoring.course.inUse":
    "Learners follow this course ({learners}): it cannot be deleted, only archived.",
  "studio.authoring.remove": "Delete or archive…",
  "studio.authoring.remove.title.day": "Delete the day “{title}”?",
  "studio.authoring.remove.title.course": "Delete the course “{title}”?",
  "studio.authoring.delete.text.day": "Nobody has started this day: it can be deleted for good.",
  "studio.authoring.delete.courses": "It will be taken out of these courses:",
  "studio.authoring.delete.text.course":
    "Nobody has started this course: it can be deleted for good. Its days stay in your list of days.",
  "studio.authoring.archiveOnly.day": {
    one: "{count}\u00a0learner has progress on this day, so it cannot be deleted, only archived.",
    other:
      "{count}\u00a0learners have progress on this day, so it cannot be deleted, only archived.",
  },
  "studio.authoring.archiveOnly.course": {
    one: "{count}\u00a0learner has started this course, so it cannot be deleted, only archived.",
    other:
      "{count}\u00a0learners have started this course, so it cannot be deleted, only archived.",
  },
  "studio.authoring.archive.text.day":
    "An archived day is hidden from your lists and from the choices when building courses. It stays in the courses that already have it: learners go on, their progress and diary are kept.",
  "studio.authoring.archive.text.course":
    "An archived course is hidden from the catalogue and your lists. Learners who started it keep their progress, exam results and diary, and can still open it.",
  "studio.authoring.confirm.delete": "Delete for good",
  "studio.authoring.confirm.archive": "Archive",
  "studio.authoring.confirm.cancel": "Cancel",
  "studio.authoring.done.deleted.day": "The day was deleted.",
  "studio.authoring.done.deleted.course": "The course was deleted.",
  "studio.authoring.done.archived.day": "The day was archived.",
  "studio.authoring.done.archived.course": "The course was archived.",
  "studio.authoring.done.unarchived": "Restored from the archive.",
  "studio.authoring.archive.title.day": "Archived days",
  "studio.authoring.archive.title.course": "Archived courses",
  "studio.authoring.archive.hint":
    "Hidden from lists and the catalogue; learners' progress is kept.",
  "studio.authoring.unarchive": "Restore from the archive: {title}",
  "studio.authoring.archive.title": "Archive",
  "studio.authoring.archive.empty": "Nothing here.",
  "studio.authoring.archive.link": "Archive",
  "studio.authoring.tpl.edit": "Edit the template",
  "studio.authoring.tpl.save": "Save the template",
  "studio.authoring.tpl.saved": "The template was saved.",
};
