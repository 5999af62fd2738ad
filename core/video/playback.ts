/**
 * Protected HLS playback. A learner's player asks for a master playlist URL
 * signed for them and this video (2 h); every playlist the server hands out
 * is rewritten from the stored one so each URI carries a short-lived token
 * for the same viewer and video, and the stored `URI="gafus-key"` becomes the
 * key endpoint. Every request checks that the token is this session's user's
 * and this video's, and that the viewer may still watch the video
 * (`canWatchVideo`, not cached): a token leaked to someone else is useless,
 * and revoking course access stops the key at once.
 *
 * Tokens are HS256 JWTs under `VIDEO_SECRET` (jose); only signed-in users get
 * them (visitors see the poster and are asked to log in).
 */
import { errors as joseErrors, jwtVerify, SignJWT } from "jose";
import { z } from "zod";
import type { Services } from "../services.ts";
import type { SessionUser } from "../auth/session_user.ts";
import { NotFoundError, requireUser } from "../auth/guards.ts";
import { AppError } from "../app_error.ts";
import { canWatchLoadedVideo, canWatchVideo } from "./access.ts";
import { isId } from "@/platform/ids.ts";
import { openContentKey } from "./keys.ts";
import {
  KEY_URI_PLACEHOLDER,
  MASTER_PLAYLIST,
  RENDITION_PLAYLIST,
  videoPosterKey,
} from "./layout.ts";
import { videoHlsFilePath, videoImagePath, videoKeyPath, videoMasterPath } from "../paths.ts";

/** How long a master playlist URL stays valid; the player renews it before then. */
export const MASTER_TOKEN_TTL_SEC = 2 * 3600;
/**
 * Per-request tokens written into playlists. hls.js reads a VOD playlist
 * once, so the token must outlive one straight play-through: 10 minutes plus
 * the video's duration. Past that the player renews from the master URL.
 */
export const REQUEST_TOKEN_BASE_SEC = 10 * 60;

const ISSUER = "gafus";
const AUDIENCE = "gafus-video";

export type TokenKind = "master" | "request";

const keys = new Map<string, Promise<CryptoKey>>();

/** The HMAC key, derived from VIDEO_SECRET with its own label and imported once. */
function tokenKey(secret: string): Promise<CryptoKey> {
  let key = keys.get(secret);
  if (!key) {
    key = crypto.subtle.importKey(
      "raw",
      new TextEncoder().encode(`video-token:${secret}`),
      { name: "HMAC", hash: "SHA-256" },
      false,
      ["sign", "verify"],
    );
    keys.set(secret, key);
  }
  return key;
}

/** A playback token was refused: expired (401) or not for this viewer, video or use (403). */
export class VideoTokenError extends AppError {
  constructor(readonly reason: "expired" | "invalid", detail: string) {
    super(
      reason === "expired" ? 401 : 403,
      reason === "expired" ? "video_token_expired" : "video_token_invalid",
      reason === "expired" ? "videoPlayer.error.tokenExpired" : "videoPlayer.error.tokenInvalid",
      { message: `video token refused: ${detail}` },
    );
    this.name = "VideoTokenError";
  }
}

/** The video exists for this viewer but is not transcoded yet. */
export class VideoNotReadyError extends AppError {
  constructor() {
    super(409, "video_not_ready", "videoPlayer.error.notReady", { message: "video not ready" });
    this.name = "VideoNotReadyError";
  }
}

export async function signPlaybackToken(
  s: Services,
  claims: { userId: string; videoId: string; kind: TokenKind },
  ttlSec: number,
  now = Date.now(),
): Promise<{ token: string; expiresAt: number }> {
  const iat = Math.floor(now / 1000);
  const exp = iat + Math.round(ttlSec);
  const token = await new SignJWT({ vid: claims.videoId, k: claims.kind === "master" ? "m" : "r" })
    .setProtectedHeader({ alg: "HS256" })
    .setSubject(claims.userId)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt(iat)
    .setExpirationTime(exp)
    .sign(await tokenKey(s.config.secrets.video));
  return { token, expiresAt: exp * 1000 };
}

/** Throws `VideoTokenError` unless `token` is a live token of `kind` for this user and video. */
export async function verifyPlaybackToken(
  s: Services,
  token: string | null,
  expect: { userId: string; videoId: string; kind: TokenKind },
): Promise<void> {
  if (!token) throw new VideoTokenError("invalid", "no token");
  let payload;
  try {
    ({ payload } = await jwtVerify(token, await tokenKey(s.config.secrets.video), {
      algorithms: ["HS256"],
      issuer: ISSUER,
      audience: AUDIENCE,
    }));
  } catch (e) {
    if (e instanceof joseErrors.JWTExpired) throw new VideoTokenError("expired", "expired");
    throw new VideoTokenError("invalid", "bad signature or claims");
  }
  if (payload.sub !== expect.userId) throw new VideoTokenError("invalid", "another user's token");
  if (payload.vid !== expect.videoId) throw new VideoTokenError("invalid", "another video's token");
  if (payload.k !== (expect.kind === "master" ? "m" : "r")) {
    throw new VideoTokenError("invalid", "wrong token kind");
  }
}

interface PlayableVideo {
  id: string;
  hlsPrefix: string;
  encryptionKey: string | null;
  durationSec: number | null;
}

/** The video when the viewer may watch it and it is READY (404 when not watchable). */
async function playable(s: Services, viewer: SessionUser, videoId: string): Promise<PlayableVideo> {
  const v = isId(videoId)
    ? await s.db.selectFrom("videos")
      .select(["id", "owner_id", "status", "hls_prefix", "encryption_key", "duration_sec"])
      .where("id", "=", videoId).executeTakeFirst()
    : undefined;
  if (!v || !(await canWatchLoadedVideo(s, viewer, v))) throw new NotFoundError("video not found");
  if (v.status !== "READY" || !v.hls_prefix) throw new VideoNotReadyError();
  return {
    id: v.id,
    hlsPrefix: v.hls_prefix,
    encryptionKey: v.encryption_key,
    durationSec: v.duration_sec,
  };
}

/**
 * Every playback request: a session (401), a live token of the right kind
 * for this user and video (401 expired / 403 otherwise), then access (404).
 */
async function authorize(
  s: Services,
  viewer: SessionUser | null,
  videoId: string,
  token: string | null,
  kind: TokenKind,
): Promise<{ user: SessionUser; video: PlayableVideo }> {
  const user = requireUser(viewer);
  await verifyPlaybackToken(s, token, { userId: user.id, videoId, kind });
  return { user, video: await playable(s, user, videoId) };
}

/** POST session: a fresh signed master playlist URL for the signed-in viewer. */
export async function startPlayback(
  s: Services,
  viewer: SessionUser | null,
  videoId: string,
): Promise<{ url: string; expiresAt: number }> {
  const user = requireUser(viewer);
  await playable(s, user, videoId);
  const { token, expiresAt } = await signPlaybackToken(
    s,
    { userId: user.id, videoId, kind: "master" },
    MASTER_TOKEN_TTL_SEC,
  );
  return { url: videoMasterPath(videoId, token), expiresAt };
}

const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$/;
const FILE_RE = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}\.(m3u8|ts|m4s|mp4)$/;

/** A stored playlist's relative URI inside the HLS folder → the app URL with a token. */
function resolveUri(videoId: string, dir: string, uri: string, token: string): string {
  if (uri === KEY_URI_PLACEHOLDER) return videoKeyPath(videoId, token);
  const parts = (dir ? `${dir}/${uri}` : uri).split("/");
  const [rendition, file] = parts;
  if (parts.length !== 2 || !NAME_RE.test(rendition) || !FILE_RE.test(file)) {
    // Only our own transcoder writes these files: anything else is a bug, not user input.
    throw new Error(`unexpected URI in a stored playlist: ${JSON.stringify(uri.slice(0, 100))}`);
  }
  return videoHlsFilePath(videoId, rendition, file, token);
}

/**
 * Rewrites a stored playlist (master: `dir` ""; a rendition's: its name) so
 * every URI — child playlists, segments, `#EXT-X-KEY`/`#EXT-X-MAP` URIs — is an
 * app URL carrying `token`. Pure, for tests.
 */
export function rewritePlaylist(text: string, videoId: string, dir: string, token: string): string {
  return mapPlaylistUris(text, (uri) => resolveUri(videoId, dir, uri, token));
}

/**
 * Every URI of a playlist — the URI lines and the `URI="…"` attributes of
 * tags — replaced by `resolve(uri)`; the rest as it was. Pure.
 */
export function mapPlaylistUris(text: string, resolve: (uri: string) => string): string {
  return text.split(/\r?\n/).map((line) => {
    const l = line.trim();
    if (!l) return l;
    if (l.startsWith("#")) {
      return l.replace(/URI="([^"]*)"/g, (_, uri: string) => `URI="${resolve(uri)}"`);
    }
    return resolve(l);
  }).join("\n");
}

async function requestToken(s: Services, user: SessionUser, video: PlayableVideo) {
  return (await signPlaybackToken(
    s,
    { userId: user.id, videoId: video.id, kind: "request" },
    REQUEST_TOKEN_BASE_SEC + (video.durationSec ?? 3600),
  )).token;
}

async function readText(s: Services, key: string): Promise<string> {
  const got = await s.storage.get(key);
  if (!got) throw new NotFoundError("playlist not found");
  return await new Response(got.body).text();
}

/** The master playlist, rewritten for this viewer (the `t` of `videoMasterPath`). */
export async function masterPlaylist(
  s: Services,
  viewer: SessionUser | null,
  videoId: string,
  token: string | null,
): Promise<string> {
  const { user, video } = await authorize(s, viewer, videoId, token, "master");
  const text = await readText(s, video.hlsPrefix + MASTER_PLAYLIST);
  return rewritePlaylist(text, videoId, "", await requestToken(s, user, video));
}

export function validHlsName(rendition: string, file: string): boolean {
  return NAME_RE.test(rendition) && FILE_RE.test(file);
}

/**
 * A rendition playlist (`index.m3u8`) rewritten, or the storage key of a
 * segment the caller streams: the same checks either way.
 */
export async function hlsFile(
  s: Services,
  viewer: SessionUser | null,
  videoId: string,
  rendition: string,
  file: string,
  token: string | null,
): Promise<{ playlist: string } | { segmentKey: string }> {
  const { user, video } = await authorize(s, viewer, videoId, token, "request");
  if (!validHlsName(rendition, file)) throw new NotFoundError("no such file");
  const key = `${video.hlsPrefix}${rendition}/${file}`;
  if (file === RENDITION_PLAYLIST) {
    const text = await readText(s, key);
    return {
      playlist: rewritePlaylist(text, videoId, rendition, await requestToken(s, user, video)),
    };
  }
  if (file.endsWith(".m3u8")) throw new NotFoundError("no such file");
  return { segmentKey: key };
}

/** The 16 raw bytes of the video's AES-128 key, after every check (never cached). */
export async function contentKey(
  s: Services,
  viewer: SessionUser | null,
  videoId: string,
  token: string | null,
): Promise<Uint8Array<ArrayBuffer>> {
  const { video } = await authorize(s, viewer, videoId, token, "request");
  if (!video.encryptionKey) throw new NotFoundError("video has no key");
  return await openContentKey(s.config.secrets.video, video.encryptionKey);
}

/** The storage key of a video's poster or thumbnail, for whoever may watch it. */
export async function videoImageKey(
  s: Services,
  viewer: SessionUser | null,
  videoId: string,
  kind: "poster" | "thumb",
): Promise<string> {
  if (!(await canWatchVideo(s, viewer, videoId))) throw new NotFoundError("video not found");
  const v = await s.db.selectFrom("videos").select(["thumbnail_key"])
    .where("id", "=", videoId).executeTakeFirst();
  const key = kind === "thumb" ? v?.thumbnail_key : videoPosterKey(videoId);
  if (!key) throw new NotFoundError("no image");
  return key;
}

// ------------------------------------------------------------ resume

export const progressInputSchema = z.object({
  position: z.coerce.number().finite().min(0).max(24 * 3600),
}).strip();

/**
 * Saves where the viewer is in the video. Near the end counts as finished:
 * the next visit starts from the beginning.
 */
export async function saveVideoProgress(
  s: Services,
  viewer: SessionUser | null,
  videoId: string,
  input: unknown,
): Promise<{ position: number }> {
  const user = requireUser(viewer);
  const { position } = progressInputSchema.parse(input);
  const video = await playable(s, user, videoId);
  let pos = Math.floor(position);
  if (video.durationSec !== null) {
    pos = Math.min(pos, Math.floor(video.durationSec));
    if (pos >= video.durationSec - 3) pos = 0;
  }
  await s.db.insertInto("video_progress")
    .values({ user_id: user.id, video_id: videoId, position_sec: pos })
    .onConflict((oc) =>
      oc.columns(["user_id", "video_id"]).doUpdateSet({ position_sec: pos, updated_at: new Date() })
    )
    .execute();
  return { position: pos };
}

/** What the player island needs, or null when the viewer may not watch it or it is not ready. */
export interface PlayerData {
  videoId: string;
  poster: string | null;
  title: string;
  startAt: number;
  durationSec: number | null;
}

export async function playerProps(
  s: Services,
  viewer: SessionUser | null,
  videoId: string,
): Promise<PlayerData | null> {
  if (!viewer) return null;
  const v = await s.db.selectFrom("videos")
    .leftJoin(
      "video_progress as vp",
      (j) => j.onRef("vp.video_id", "=", "videos.id").on("vp.user_id", "=", viewer.id),
    )
    .select([
      "videos.id",
      "videos.status",
      "videos.display_name",
      "videos.original_name",
      "videos.thumbnail_key",
      "videos.duration_sec",
      "vp.position_sec",
    ])
    .where("videos.id", "=", videoId).executeTakeFirst();
  if (!v || v.status !== "READY") return null;
  if (!(await canWatchVideo(s, viewer, videoId))) return null;
  return {
    videoId,
    // The transcoder writes the poster together with the thumbnail.
    poster: v.thumbnail_key ? videoImagePath(videoId, "poster") : null,
    title: v.display_name ?? v.original_name,
    startAt: v.position_sec ?? 0,
    durationSec: v.duration_sec,
  };
}
