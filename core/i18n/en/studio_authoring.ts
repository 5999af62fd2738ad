import type { studioAuthoring as ru } from "../ru/studio_authoring.ts";
import type { Message } from "../format.ts";

export const studioAuthoring: { [K in keyof typeof ru]: Message } = {
  "training.step.checklist": "Checklist",

  "studio.authoring.q.title": "Test (for an exam)",
  "studio.authoring.q.count": { one: "{count}\u00a0question", other: "{count}\u00a0questions" },
  "studio.authoring.q.hint":
    "Up to {max}\u00a0questions, each with 2 to 6 answers; mark the correct one. A blank question is not saved. The add and remove buttons save nothing: save the step at the end.",
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
  "studio.authoring.q.options": "2 to 6 answers are needed",
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
};
