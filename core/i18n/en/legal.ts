import type { legal as ru } from "../ru/legal.ts";
import type { Message } from "../format.ts";

export const legal: { [K in keyof typeof ru]: Message } = {
  "legal.privacy.title": "Privacy policy",
  "legal.terms.title": "Terms of use",
  "legal.consent.title": "Consent to personal data processing",
  "legal.updated": "Version of {date}",
  "legal.footer.label": "Legal",
  "legal.consent.read.personalData": "Read the consent",
  "legal.consent.read.privacyPolicy": "Read the privacy policy",
  "ops.nav.legal": "Legal pages",
  "ops.legal.title": "Legal pages",
  "ops.legal.lead":
    "Markdown texts in each language. Until a page is saved, its default text is shown.",
  "ops.legal.default": "default text",
  "ops.legal.updatedAt": "changed {date}",
  "ops.legal.edit": "Edit",
  "ops.legal.open": "Open the page",
  "ops.legal.markdown": "Text (Markdown)",
  "ops.legal.markdown.hint":
    "Headings #, lists, links. HTML is not run; links only to http(s), mailto and this site.",
  "ops.legal.preview": "Preview",
  "ops.legal.previewTitle": "How the page will look",
  "ops.legal.save": "Save",
  "ops.legal.saved": "Page saved.",
  "ops.legal.readOnly": "Only an administrator can change these texts.",
};
