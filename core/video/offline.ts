/**
 * The offline copy of a trainer's video, kept with a course
 * (core/offline/bundle.ts): the lowest rendition's playlist, its encrypted
 * segments, the content key and the poster.
 *
 * Online playback hands out URLs with short-lived tokens
 * (core/video/playback.ts); a kept copy cannot use those, since the browser
 * replays the stored playlist days later. So the offline playlist names
 * stable URLs without a token (`videoOffline*Path`), and every request for
 * them checks the session and the viewer's access instead, on each request
 * and never cached by the server. The service worker answers them from the
 * course's cache while it is kept; the client deletes that cache (key
 * included) as soon as the bundle says the course is no longer the learner's
 * (core/offline/client.ts `checkKept`).
 */
import type { Services } from "../services.ts";
import type { SessionUser } from "../auth/session_user.ts";
import { NotFoundError, requireUser } from "../auth/guards.ts";
import type { VideoRendition } from "@/db/schema.ts";
import { isId } from "@/platform/ids.ts";
import { canWatchLoadedVideo } from "./access.ts";
import { openContentKey } from "./keys.ts";
import { KEY_URI_PLACEHOLDER, RENDITION_PLAYLIST, videoPosterKey } from "./layout.ts";
import { mapPlaylistUris, validHlsName, VideoNotReadyError } from "./playback.ts";
import {
  videoImagePath,
  videoOfflineFilePath,
  videoOfflineKeyPath,
  videoOfflinePlaylistPath,
} from "../paths.ts";

/** One URL the browser stores for a video, with its size in bytes. */
export interface OfflineVideoFile {
  url: string;
  kind: "video" | "key" | "image";
  size: number;
}

interface OfflineSource {
  id: string;
  hlsPrefix: string;
  encryptionKey: string | null;
  hasPoster: boolean;
  transcodedAt: Date | null;
  /** The lowest rendition's folder under the HLS prefix (e.g. "240p"). */
  rendition: string;
}

/** The cheapest rendition (lowest bandwidth, then height): what a phone keeps. */
export function lowestRendition(renditions: readonly VideoRendition[]): VideoRendition | null {
  let best: VideoRendition | null = null;
  for (const r of renditions) {
    if (
      !best || r.bandwidth < best.bandwidth ||
      (r.bandwidth === best.bandwidth && r.height < best.height)
    ) best = r;
  }
  return best;
}

/** The READY video when the viewer may watch it (404 otherwise, 409 while transcoding). */
async function offlineSource(
  s: Services,
  viewer: SessionUser | null,
  videoId: string,
): Promise<OfflineSource> {
  const user = requireUser(viewer);
  const v = isId(videoId)
    ? await s.db.selectFrom("videos")
      .select([
        "id",
        "owner_id",
        "status",
        "hls_prefix",
        "encryption_key",
        "renditions",
        "thumbnail_key",
        "transcoded_at",
      ])
      .where("id", "=", videoId).executeTakeFirst()
    : undefined;
  if (!v || !(await canWatchLoadedVideo(s, user, v))) throw new NotFoundError("video not found");
  if (v.status !== "READY" || !v.hls_prefix) throw new VideoNotReadyError();
  const low = lowestRendition(v.renditions);
  const [dir, file, ...rest] = (low?.playlist ?? "").split("/");
  if (!low || rest.length || file !== RENDITION_PLAYLIST || !validHlsName(dir, file)) {
    throw new NotFoundError("video has no rendition to keep");
  }
  return {
    id: v.id,
    hlsPrefix: v.hls_prefix,
    encryptionKey: v.encryption_key,
    hasPoster: v.thumbnail_key !== null,
    transcodedAt: v.transcoded_at,
    rendition: dir,
  };
}

/** A segment name inside the rendition's folder (no playlists, no paths). */
function isSegmentName(rendition: string, file: string): boolean {
  return validHlsName(rendition, file) && !file.endsWith(".m3u8");
}

/**
 * The stored rendition playlist with stable offline URIs, and the segment
 * names it lists. Pure, for tests.
 */
export function offlinePlaylistText(
  stored: string,
  videoId: string,
  rendition: string,
): { text: string; segments: string[] } {
  const segments: string[] = [];
  const text = mapPlaylistUris(stored, (uri) => {
    if (uri === KEY_URI_PLACEHOLDER) return videoOfflineKeyPath(videoId);
    if (!isSegmentName(rendition, uri)) {
      // Only our own transcoder writes these files: anything else is a bug, not user input.
      throw new Error(
        `unexpected URI in a rendition playlist: ${JSON.stringify(uri.slice(0, 100))}`,
      );
    }
    segments.push(uri);
    return videoOfflineFilePath(videoId, rendition, uri);
  });
  return { text, segments };
}

async function storedPlaylist(s: Services, src: OfflineSource): Promise<string> {
  const got = await s.storage.get(`${src.hlsPrefix}${src.rendition}/${RENDITION_PLAYLIST}`);
  if (!got) throw new NotFoundError("playlist not found");
  return await new Response(got.body).text();
}

/** `GET …/offline/playlist.m3u8`: the lowest rendition's playlist with stable URIs. */
export async function offlinePlaylist(
  s: Services,
  viewer: SessionUser | null,
  videoId: string,
): Promise<string> {
  const src = await offlineSource(s, viewer, videoId);
  return offlinePlaylistText(await storedPlaylist(s, src), src.id, src.rendition).text;
}

/** The storage key of one segment of the offline rendition (404 for any other file). */
export async function offlineSegmentKey(
  s: Services,
  viewer: SessionUser | null,
  videoId: string,
  rendition: string,
  file: string,
): Promise<string> {
  const src = await offlineSource(s, viewer, videoId);
  if (rendition !== src.rendition || !isSegmentName(rendition, file)) {
    throw new NotFoundError("no such file");
  }
  return `${src.hlsPrefix}${rendition}/${file}`;
}

/** The 16 bytes of the content key, for a viewer who may watch the video now. */
export async function offlineContentKey(
  s: Services,
  viewer: SessionUser | null,
  videoId: string,
): Promise<Uint8Array<ArrayBuffer>> {
  const src = await offlineSource(s, viewer, videoId);
  if (!src.encryptionKey) throw new NotFoundError("video has no key");
  return await openContentKey(s.config.secrets.video, src.encryptionKey);
}

/**
 * What keeping `videoId` stores for `viewer`, with sizes, and a stamp that
 * changes when the video is transcoded again; null when there is nothing to
 * keep (not READY, not watchable, files missing).
 */
export async function offlineVideoFiles(
  s: Services,
  viewer: SessionUser | null,
  videoId: string,
): Promise<{ files: OfflineVideoFile[]; stamp: string } | null> {
  let src: OfflineSource;
  let stored: string;
  try {
    src = await offlineSource(s, viewer, videoId);
    stored = await storedPlaylist(s, src);
  } catch (e) {
    if (e instanceof NotFoundError || e instanceof VideoNotReadyError) return null;
    throw e;
  }
  const { text, segments } = offlinePlaylistText(stored, src.id, src.rendition);
  const sizes = new Map(
    (await s.storage.list(`${src.hlsPrefix}${src.rendition}/`))
      .map((o) => [o.key.slice(o.key.lastIndexOf("/") + 1), o.size]),
  );
  const files: OfflineVideoFile[] = [
    {
      url: videoOfflinePlaylistPath(src.id),
      kind: "video",
      size: new TextEncoder().encode(text).byteLength,
    },
  ];
  for (const name of segments) {
    const size = sizes.get(name);
    // A segment gone from storage would fail the download: keep nothing of this video.
    if (size === undefined) return null;
    files.push({ url: videoOfflineFilePath(src.id, src.rendition, name), kind: "video", size });
  }
  if (src.encryptionKey) files.push({ url: videoOfflineKeyPath(src.id), kind: "key", size: 16 });
  if (src.hasPoster) {
    const poster = await s.storage.head(videoPosterKey(src.id));
    if (poster) {
      files.push({ url: videoImagePath(src.id, "poster"), kind: "image", size: poster.size });
    }
  }
  return { files, stamp: `${src.id}:${src.rendition}:${src.transcodedAt?.toISOString() ?? ""}` };
}
