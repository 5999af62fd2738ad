/** Files on studio content: a step's pictures and PDFs, a course's logo, the upload field. */
import type { studioMedia as ru } from "../ru/studio_media.ts";
import type { Message } from "../format.ts";

export const studioMedia: { [K in keyof typeof ru]: Message } = {
  "upload.notPdf": "This is not a PDF file",
  "upload.tooMany": "You can send at most {max}\u00a0files at once",

  "studio.media.title": "Pictures and PDFs",
  "studio.media.lead": "Learners see them below the step's description.",
  "studio.media.page.title": "Files of the step “{title}”",
  "studio.media.back": "Back to the step",
  "studio.media.images": "Pictures ({count} of {max})",
  "studio.media.images.none": "No pictures yet.",
  "studio.media.image.alt": "Picture {n}",
  "studio.media.pdfs": "PDF files ({count} of {max})",
  "studio.media.pdfs.none": "No PDF files yet.",
  "studio.media.chooseImages": "Images",
  "studio.media.imagesHint":
    "JPEG, PNG or WebP, up to 10\u00a0MB each; you can pick several. Location and camera data are removed.",
  "studio.media.addImages": "Add pictures",
  "studio.media.choosePdfs": "PDF files",
  "studio.media.pdfsHint":
    "PDF up to 20\u00a0MB each; you can pick several. Learners see the file name.",
  "studio.media.addPdfs": "Add PDFs",
  "studio.media.full": "Limit reached: {max}. Remove a file to add another.",
  "studio.media.up": "Up",
  "studio.media.down": "Down",
  "studio.media.upLabel": "Move picture {n}\u00a0up",
  "studio.media.downLabel": "Move picture {n}\u00a0down",
  "studio.media.remove": "Remove",
  "studio.media.removeLabel": "Remove: {name}",
  "studio.media.remove.title": "Remove the file from the step?",
  "studio.media.remove.text":
    "Learners will no longer see it in this step. The file stays where it is still used (steps made from templates).",
  "studio.media.remove.confirm": "Yes, remove",
  "studio.media.remove.cancel": "Cancel",
  "studio.media.tooManyImages": "A step can have at most {max}\u00a0pictures",
  "studio.media.tooManyPdfs": "A step can have at most {max}\u00a0PDF files",
  "studio.media.notFound": "The step has no such file",
  "studio.media.done.uploaded": "Files added.",
  "studio.media.done.removed": "File removed.",
  "studio.media.done.moved": "Picture order saved.",

  "studio.logo.title": "Course logo",
  "studio.logo.none": "No logo yet: the catalogue shows a placeholder.",
  "studio.logo.alt": "Logo of the course “{name}”",
  "studio.logo.choose": "Image",
  "studio.logo.hint":
    "JPEG, PNG or WebP, up to 10\u00a0MB; square works best. Location and camera data are removed.",
  "studio.logo.upload": "Upload logo",
  "studio.logo.replace": "Replace logo",
  "studio.logo.remove": "Remove logo",
  "studio.logo.page.title": "Logo: {name}",
  "studio.logo.back": "Back to the course",
  "studio.logo.done.uploaded": "Logo saved.",
  "studio.logo.done.removed": "Logo removed.",

  "studio.upload.progress": "Uploading “{name}”",
  "studio.upload.percent": "“{name}”: {pct}\u00a0%",
  "studio.upload.done": "“{name}” uploaded",
  "studio.upload.network": "Could not send the file. Check your connection and try again.",
  "studio.upload.tooLarge": "“{name}” is larger than {mb}\u00a0MB",
};
