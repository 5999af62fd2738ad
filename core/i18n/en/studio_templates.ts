import type { studioTemplates as ru } from "../ru/studio_templates.ts";
import type { Message } from "../format.ts";

export const studioTemplates: { [K in keyof typeof ru]: Message } = {
  "studio.templates.link": "Template library",
  "studio.templates.linkHint": "Ready-made steps by category: take a template or share yours.",

  "studio.templates.title": "Template library",
  "studio.templates.lead":
    "Ready-made steps by category. A step made from a template is yours to change as you like.",
  "studio.templates.back": "Template library",
  "studio.templates.search": "Search titles, descriptions and tags",
  "studio.templates.search.submit": "Search",
  "studio.templates.filter": "Category",
  "studio.templates.filter.all": "All categories",
  "studio.templates.noCategory": "No category",
  "studio.templates.empty": "No templates yet. Save a step as a template from its editor.",
  "studio.templates.empty.search": "Nothing found.",
  "studio.templates.count": { one: "{count}\u00a0template", other: "{count}\u00a0templates" },
  "studio.templates.uses": { one: "used {count}\u00a0time", other: "used {count}\u00a0times" },
  "studio.templates.tags": "Tags",
  "studio.templates.removed": "Template removed.",
  "studio.templates.saved": "The step was saved as a template.",

  "studio.templates.one.title": "Template: {title}",
  "studio.templates.type": "Type",
  "studio.templates.category": "Category",
  "studio.templates.duration": "Duration (mm:ss)",
  "studio.templates.estimated": "Estimated time, minutes",
  "studio.templates.usage": "Usage",
  "studio.templates.author": "Author",
  "studio.templates.use": "Create a step from this template",
  "studio.templates.content": "What the learner sees",
  "studio.templates.content.empty": "No description.",
  "studio.templates.checklist": "Checklist",
  "studio.templates.video": "Video",
  "studio.templates.remove": "Remove template",
  "studio.templates.remove.title": "Remove this template?",
  "studio.templates.remove.text":
    "The template leaves the library. Steps already made from it stay as they are.",
  "studio.templates.remove.confirm": "Yes, remove",
  "studio.templates.remove.cancel": "Cancel",

  "studio.templates.save": "Save as template",
  "studio.templates.save.title": "Save as template: {title}",
  "studio.templates.save.text":
    "A copy of the step goes into the shared library: other trainers can make their own step from it.",
  "studio.templates.save.back": "Back to the step",
  "studio.templates.save.categoryId": "Category",
  "studio.templates.save.tags": "Tags",
  "studio.templates.save.tags.hint": "Comma-separated, e.g. puppy, focus",
  "studio.templates.save.submit": "Save as template",

  "studio.templates.categories.link": "Template categories",
  "studio.templates.categories.title": "Template categories",
  "studio.templates.categories.lead":
    "Categories group the library. Only an empty category can be deleted.",
  "studio.templates.categories.field.name": "Name",
  "studio.templates.categories.field.description": "Description",
  "studio.templates.categories.field.icon": "Icon (emoji)",
  "studio.templates.categories.rename": "Rename",
  "studio.templates.categories.delete": "Delete “{name}”",
  "studio.templates.categories.new": "New category",
  "studio.templates.categories.create": "Add category",
  "studio.templates.categories.notEmpty":
    "The category holds templates ({templates}): move or remove them first.",
  "studio.templates.categories.done.created": "Category added.",
  "studio.templates.categories.done.renamed": "Category renamed.",
  "studio.templates.categories.done.deleted": "Category deleted.",

  "studio.templates.validation.category": "Choose a category from the list",
  "studio.templates.validation.categoryName": "1 to 100\u00a0characters",
  "studio.templates.validation.categoryTaken": "A category with this name already exists",
  "studio.templates.validation.tag": "A tag: up to 30\u00a0characters",
  "studio.templates.validation.tagsTooMany": "No more than 10\u00a0tags",
};
