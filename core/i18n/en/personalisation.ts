import type { personalisation as ru } from "../ru/personalisation.ts";
import type { Message } from "../format.ts";

export const personalisation: { [K in keyof typeof ru]: Message } = {
  "personalisation.title": "Personalise “{course}”",
  "personalisation.lead":
    "This course calls you and your pet by name. Fill this in once — you can change it any time from the course page.",
  "personalisation.field.learnerName": "What should we call you",
  "personalisation.field.gender": "Your gender",
  "personalisation.field.petId": "Pet",
  "personalisation.field.petId.none": "Another pet (type the name)",
  "personalisation.field.petId.hint":
    "Choose a pet: its name is used when the name field is empty.",
  "personalisation.field.petName": "Pet's name",
  "personalisation.field.petGender": "Pet's sex",
  "personalisation.field.petGender.none": "Not specified",
  "personalisation.field.cases": "The pet's name in Russian cases",
  "personalisation.field.cases.hint": "Optional. Where a case is empty, the name is used as it is.",
  "personalisation.field.petGenitive": "Genitive",
  "personalisation.field.petDative": "Dative",
  "personalisation.field.petAccusative": "Accusative",
  "personalisation.field.petInstrumental": "Instrumental",
  "personalisation.field.petPrepositional": "Prepositional",
  "personalisation.gender.male": "Male",
  "personalisation.gender.female": "Female",
  "personalisation.save": "Save and continue",
  "personalisation.saved": "Your personalisation is saved.",
  "personalisation.optional": "optional",
  "personalisation.edit": "Change personalisation",
  "personalisation.back": "Back to the course",
  "personalisation.required": "First give the values this personalised course asks for.",
  "personalisation.notPersonalised": "This course is not personalised.",
  "personalisation.validation.learnerName": "Enter a name: 1 to 60\u00a0characters",
  "personalisation.validation.gender": "Choose a gender",
  "personalisation.validation.pet": "Choose one of your own pets",
  "personalisation.validation.petName": "Enter the pet's name: 1 to 50\u00a0characters",
  "personalisation.validation.petGender": "Choose the pet's sex or “Not specified”",
  "personalisation.validation.case": "At most 50\u00a0characters, no curly braces",

  "studio.courses.field.personalised": "Personalised course",
  "studio.courses.field.personalised.hint":
    "Before the first day the learner gives their name, gender and their pet's name; step texts use them.",

  "studio.placeholders.title": "Personalisation",
  "studio.placeholders.lead":
    "Titles and descriptions may use placeholders. Learners see their own values; when the course is not personalised or a value is missing, a neutral text (“your dog”, the username, the first form).",
  "studio.placeholders.petName": "the pet's name",
  "studio.placeholders.petCase": "the pet's name in a case: {case}",
  "studio.placeholders.userName": "the learner's name",
  "studio.placeholders.gender": "by the learner's gender: male | female form",
  "studio.placeholders.petGender": "by the pet's sex: male | female form",
  "studio.placeholders.warning.title": "Placeholders that will not work",
  "studio.placeholders.warning.text":
    "Learners will see them as typed. The step is saved, but better fix them:",
  "studio.placeholders.reason.unknown": "unknown name",
  "studio.placeholders.reason.malformed": "wrong form",
  "studio.placeholders.reason.unclosed": "stray or unclosed braces",
  "studio.placeholders.case.genitive": "genitive",
  "studio.placeholders.case.dative": "dative",
  "studio.placeholders.case.accusative": "accusative",
  "studio.placeholders.case.instrumental": "instrumental",
  "studio.placeholders.case.prepositional": "prepositional",
};
