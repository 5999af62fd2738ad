/**
 * A course's offline bundle: what "keep this course offline" stores for one
 * learner — the course page, every day page they may open (a locked summary
 * day is left out until it opens), the images, PDFs and logo those pages
 * show, and for each trainer's video on them (steps and the course's own)
 * the lowest rendition with its key and poster (core/video/offline.ts) —
 * with each file's size and one version hash over all of it.
 *
 * The version changes when the list of URLs or any day's content changes
 * (text, steps, files, a video transcoded again), so a kept copy can be
 * compared with the server's and refreshed; it does not change with the
 * learner's own progress. When the learner may no longer see the course
 * (access revoked, course closed to them) the bundle and its version are a
 * 404, and the browser deletes its copy, video keys included.
 */
import type { Services } from "../services.ts";
import type { SessionUser } from "../auth/session_user.ts";
import { requireUser } from "../auth/guards.ts";
import type { Locale } from "../i18n/mod.ts";
import { courseView } from "../courses/view.ts";
import { dayContent } from "../training/day.ts";
import { coursePath, dayPath, mediaPath } from "../paths.ts";
import { offlineVideoFiles } from "../video/offline.ts";
import { videoPosterKey } from "../video/layout.ts";

/** `video`: an offline playlist or segment; `key`: a video's content key (16 bytes). */
export type BundleFileKind = "page" | "image" | "pdf" | "video" | "key";

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
  /** Trainer videos kept (their lowest rendition); included in `totalBytes`. */
  videos: number;
  /** Of `totalBytes`, the videos' playlists, segments and keys. */
  videoBytes: number;
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
  /** `key`: the storage key behind the URL when it is not a `/media/` one. */
  const media: { url: string; kind: BundleFileKind; key?: string }[] = [];
  const addMedia = (url: string, kind: BundleFileKind, key?: string) => {
    if (!seen.has(url)) {
      seen.add(url);
      media.push({ url, kind, key });
    }
  };
  files.push({ url: coursePath(c.slug), kind: "page", size: pageSize(c.description) });
  seen.add(coursePath(c.slug));
  if (c.logoKey) addMedia(mediaPath(c.logoKey), "image");

  const videoIds = new Set<string>();
  const presenting = await s.db.selectFrom("courses").select("video_id")
    .where("id", "=", c.id).executeTakeFirst();
  if (presenting?.video_id) videoIds.add(presenting.video_id);
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
        videoIds.add(st.video.id);
        // The poster shows on the page even when the video itself cannot be kept.
        if (st.video.poster) addMedia(st.video.poster, "image", videoPosterKey(st.video.id));
      }
    }
  }
  const sized = await Promise.all(media.map(async ({ key: stored, ...m }) => {
    const key = stored ?? mediaKey(m.url);
    const head = key ? await s.storage.head(key).catch(() => null) : null;
    // A file gone missing is still listed: the browser's copy decides; 0
    // keeps the total honest about what is known.
    return { ...m, size: head?.size ?? 0 };
  }));
  files.push(...sized);
  // A video that cannot be kept (files missing) is left out; its page still says "play".
  const videos = (await Promise.all([...videoIds].map((id) => offlineVideoFiles(s, user, id))))
    .filter((v) => v !== null);
  let videoBytes = 0;
  for (const v of videos) {
    for (const f of v.files) {
      if (seen.has(f.url)) continue;
      seen.add(f.url);
      files.push(f);
      if (f.kind !== "image") videoBytes += f.size;
    }
  }
  const version = await hex(JSON.stringify({
    name: c.name,
    description: c.description,
    files: files.map((f) => [f.url, f.kind === "page" ? 0 : f.size]),
    videos: videos.map((v) => v.stamp),
    contents,
  }));
  return {
    slug: c.slug,
    name: c.name,
    version,
    files,
    totalBytes: files.reduce((a, f) => a + f.size, 0),
    videos: videos.length,
    videoBytes,
  };
}
