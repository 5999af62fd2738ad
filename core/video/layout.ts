/**
 * Where a trainer's video lives in storage, and the rendition ladder. One
 * place for both, so the transcoder that writes and the playback routes that
 * read agree. Everything is under `videos/<id>/`, a prefix `/media` has no
 * access rule for (core/media_access.ts refuses it), so only the playback
 * routes serve it, each request with a short-lived token; the orphan sweep
 * (queues/jobs/maintenance.ts) already knows the prefix.
 *
 *   videos/<id>/source.<ext>                 the upload (kept or removed per setting)
 *   videos/<id>/hls/master.m3u8              master playlist
 *   videos/<id>/hls/<rendition>/index.m3u8   one rendition's VOD playlist
 *   videos/<id>/hls/<rendition>/seg_00001.ts AES-128 encrypted segments
 *   videos/<id>/poster.jpg, thumb.jpg        poster (full size) and list thumbnail
 */

/** The prefix every file of one video shares (deleting it removes the video's files). */
export function videoPrefix(videoId: string): string {
  return `videos/${videoId}/`;
}

export function videoSourceKey(videoId: string, ext: string): string {
  return `${videoPrefix(videoId)}source.${ext}`;
}

export function videoHlsPrefix(videoId: string): string {
  return `${videoPrefix(videoId)}hls/`;
}

export const MASTER_PLAYLIST = "master.m3u8";
export const RENDITION_PLAYLIST = "index.m3u8";
/**
 * The key URI written into stored playlists (`#EXT-X-KEY:METHOD=AES-128,URI="gafus-key"`).
 * It is never fetched as such: the playlist route replaces it with the app's
 * key endpoint carrying the viewer's token, so stored files name no user.
 */
export const KEY_URI_PLACEHOLDER = "gafus-key";

/** ffmpeg's `-hls_segment_filename` pattern inside a rendition's folder. */
export const SEGMENT_PATTERN = "seg_%05d.ts";

export function videoPosterKey(videoId: string): string {
  return `${videoPrefix(videoId)}poster.jpg`;
}

export function videoThumbnailKey(videoId: string): string {
  return `${videoPrefix(videoId)}thumb.jpg`;
}

/** One rung of the ladder: its short side in pixels and target bitrates. */
export interface Rung {
  name: string;
  /** Height of a landscape rendition (the width of a portrait one). */
  shortSide: number;
  videoKbps: number;
  audioKbps: number;
}

/** H.264 + AAC ladder; bitrates are capped near the source's own (core/video/ladder.ts). */
export const LADDER: readonly Rung[] = [
  { name: "240p", shortSide: 240, videoKbps: 400, audioKbps: 64 },
  { name: "360p", shortSide: 360, videoKbps: 800, audioKbps: 96 },
  { name: "480p", shortSide: 480, videoKbps: 1400, audioKbps: 128 },
  { name: "720p", shortSide: 720, videoKbps: 2800, audioKbps: 128 },
  { name: "1080p", shortSide: 1080, videoKbps: 5000, audioKbps: 160 },
];

/** Keyframe interval and segment length (seconds). */
export const KEYFRAME_SEC = 2;
export const SEGMENT_SEC = 4;
