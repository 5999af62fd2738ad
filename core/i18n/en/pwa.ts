/** The installable app and offline mode: update banner, install prompt, kept courses, offline page. */
export const pwa = {
  "pwa.update.text": "A new version of Gafus is available.",
  "pwa.update.reload": "Reload",
  "pwa.install.text": "Install Gafus on your phone: kept courses open without a connection too.",
  "pwa.install.accept": "Install",
  "pwa.install.later": "Not now",
  "pwa.install.label": "Install the app",
  "pwa.keep.title": "This course offline",
  "pwa.keep.lead":
    "Keep the course on this device to open its days and steps on a walk without a signal.",
  "pwa.keep.button": "Keep this course offline",
  "pwa.keep.checking": "Working out the size…",
  "pwa.keep.size": "Takes about {size}: {pages}\u00a0pages, {files}\u00a0files.",
  "pwa.keep.videos": "Videos ({n}) included, in low quality: {size}.",
  "pwa.keep.progress": "Downloaded {done} of {total}",
  "pwa.keep.done": "The course is kept on this device and opens without a connection.",
  "pwa.keep.kept": "Kept on this device ({size}).",
  "pwa.keep.remove": "Remove from this device",
  "pwa.keep.removed": "The course was removed from this device.",
  "pwa.keep.updating": "The course changed; updating the kept copy…",
  "pwa.keep.updated": "The kept copy is up to date.",
  "pwa.keep.failed": "Could not keep the course: {reason}",
  "pwa.keep.offline": "No connection: you can keep the course once it is back.",
  "pwa.unit.kb": "KB",
  "pwa.unit.mb": "MB",
  "pwa.offline.title": "No internet connection",
  "pwa.offline.lead":
    "Without a connection you can open the pages you have already seen on this device and the courses kept on it.",
  "pwa.offline.kept": "Kept courses",
  "pwa.offline.none":
    "No courses are kept on this device. Open a course and press “Keep this course offline”.",
  "pwa.offline.cannot":
    "Without a connection, videos play only from kept courses (in low quality). You cannot upload photos or videos, write reviews or change settings.",
  "pwa.offline.nojs": "The list of kept courses shows when JavaScript is on in your browser.",
  "pwa.offline.retry": "Try again",
  "pwa.settings.title": "Offline",
  "pwa.settings.link": "Courses kept on this device",
} as const;
