/**
 * A course's offline bundle: what "keep this course offline" stores for one
 * learner — the course page, every day page they may open (a locked summary
 * day is left out until it opens), and the images, PDFs and logo those pages
 * show — with each file's size and one version hash over all of it.
 *
 * Trainer videos are not kept: their playback keys are per-session tokens
 * that expire (core/video/playback.ts), and a stored key would outlive the
 * learner's access. The bundle counts them (`skippedVideos`) so the page can
 * say so.
 *
 * The version changes when the list of URLs or any day's content changes
 * (text, steps, files), so a kept copy can be compared with the server's and
 * refreshed; it does not change with the learner's own progress.
 */
import type { Services } from "../services.ts";
import type { SessionUser } from "../auth/session_user.ts";
import { requireUser } from "../auth/guards.ts";
import type { Locale } from "../i18n/mod.ts";
import { courseView } from "../courses/view.ts";
import { dayContent } from "../training/day.ts";
import { coursePath, dayPath, mediaPath } from "../paths.ts";

export type BundleFileKind = "page" | "image" | "pdf";

export interface BundleFile {
  url: string;
  kind: BundleFileKind;
  /** Bytes; for pages an estimate (they are rendered per learner). */
  size: number;
}

export interface OfflineBundle {
  slug: string;
  name: string;
  version: string;
  files: BundleFile[];
  /** Sum of `files[].size`. */
  totalBytes: number;
  /** Trainer videos on these pages that are not kept (they need a live playback key). */
  skippedVideos: number;
}

/** What a rendered day page weighs, roughly: the layout plus its text, twice for markup. */
const PAGE_BASE_BYTES = 12_000;

function pageSize(text: string): number {
  return PAGE_BASE_BYTES + 2 * new TextEncoder().encode(text).byteLength;
}

/** `/media/a/b%20c.png` → `a/b c.png` (the storage key behind a media URL). */
function mediaKey(url: string): string | null {
  if (!url.startsWith("/media/")) return null;
  try {
    return url.slice("/media/".length).split("/").map(decodeURIComponent).join("/");
  } catch {
    return null;
  }
}

async function hex(text: string): Promise<string> {
  const d = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(d).slice(0, 12)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** The bundle of `slug` for `viewer`: NotFoundError when they may not see the course. */
export async function offlineBundle(
  s: Services,
  slug: string,
  viewer: SessionUser | null,
  locale: Locale = "ru",
): Promise<OfflineBundle> {
  const user = requireUser(viewer);
  const view = await courseView(s, slug, user, locale);
  const c = view.course;
  const files: BundleFile[] = [];
  const seen = new Set<string>();
  const media: { url: string; kind: BundleFileKind }[] = [];
  const addMedia = (url: string, kind: BundleFileKind) => {
    if (!seen.has(url)) {
      seen.add(url);
      media.push({ url, kind });
    }
  };
  files.push({ url: coursePath(c.slug), kind: "page", size: pageSize(c.description) });
  seen.add(coursePath(c.slug));
  if (c.logoKey) addMedia(mediaPath(c.logoKey), "image");

  let skippedVideos = 0;
  const contents: unknown[] = [];
  for (const d of view.days) {
    if (d.locked) continue;
    const content = await dayContent(s, d.dayOnCourseId);
    if (!content) continue;
    contents.push(content);
    const text = content.description +
      content.steps.map((st) => st.title + st.description).join("");
    const url = dayPath(c.slug, d.dayOnCourseId);
    seen.add(url);
    files.push({ url, kind: "page", size: pageSize(text) });
    for (const st of content.steps) {
      for (const img of st.images) addMedia(img, "image");
      for (const pdf of st.pdfs) addMedia(pdf.url, "pdf");
      if (st.video) {
        skippedVideos++;
        if (st.video.poster) addMedia(st.video.poster, "image");
      }
    }
  }
  const sized = await Promise.all(media.map(async (m) => {
    const key = mediaKey(m.url);
    const head = key ? await s.storage.head(key).catch(() => null) : null;
    // A poster or a file gone missing is still listed: the browser's copy
    // decides; 0 keeps the total honest about what is known.
    return { ...m, size: head?.size ?? 0 };
  }));
  files.push(...sized);
  const version = await hex(JSON.stringify({
    name: c.name,
    description: c.description,
    files: files.map((f) => [f.url, f.kind === "page" ? 0 : f.size]),
    contents,
  }));
  return {
    slug: c.slug,
    name: c.name,
    version,
    files,
    totalBytes: files.reduce((a, f) => a + f.size, 0),
    skippedVideos,
  };
}
