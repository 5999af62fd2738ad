/**
 * External video in steps: a trainer pastes a link, we embed it only from
 * an allow-list (YouTube, Rutube, VK Video, Vimeo). The URL is parsed and the
 * player URL is built here from the video id alone — nothing of the pasted
 * URL but validated ids reaches the iframe. YouTube plays from
 * youtube-nocookie.com. Any other http(s) link is shown as a plain link.
 *
 * The hosts here must stay in the CSP `frame-src` (http/security_headers.ts).
 */

export type EmbedProvider = "youtube" | "rutube" | "vk" | "vimeo";

export type VideoEmbed =
  | { kind: "embed"; provider: EmbedProvider; src: string; href: string }
  | { kind: "link"; href: string; host: string };

const YT_ID = /^[A-Za-z0-9_-]{11}$/;
const RUTUBE_ID = /^[0-9a-f]{32}$/;
const VK_OID = /^-?\d{1,20}$/;
const VK_ID = /^\d{1,20}$/;
const VK_HASH = /^[0-9a-f]{6,32}$/;
const VIMEO_ID = /^\d{1,12}$/;
const VIMEO_HASH = /^[0-9a-f]{6,20}$/;
const TOKEN = /^[A-Za-z0-9_-]{1,64}$/;

function hostOf(u: URL): string {
  return u.hostname.toLowerCase().replace(/^(www\.|m\.)/, "");
}

/** "90", "1m30s", "1h2m3s" → seconds (null when unreadable or zero). */
function startSeconds(v: string | null): number | null {
  if (!v) return null;
  if (/^\d+s?$/.test(v)) return Number.parseInt(v, 10) || null;
  const m = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(v);
  if (!m || !m[0]) return null;
  const total = Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0);
  return total || null;
}

function youtube(u: URL, host: string): string | null {
  let id: string | null = null;
  const path = u.pathname.split("/").filter(Boolean);
  if (host === "youtu.be") id = path[0] ?? null;
  else if (
    host === "youtube.com" || host === "youtube-nocookie.com" || host === "music.youtube.com"
  ) {
    if (path[0] === "watch") id = u.searchParams.get("v");
    else if (["embed", "shorts", "live", "v"].includes(path[0] ?? "")) id = path[1] ?? null;
  }
  if (!id || !YT_ID.test(id)) return null;
  const start = startSeconds(u.searchParams.get("t") ?? u.searchParams.get("start"));
  return `https://www.youtube-nocookie.com/embed/${id}` + (start ? `?start=${start}` : "");
}

function rutube(u: URL): string | null {
  const path = u.pathname.split("/").filter(Boolean);
  let id: string | undefined;
  if (path[0] === "video" && path[1] === "private") id = path[2];
  else if (path[0] === "video" || path[0] === "shorts") id = path[1];
  else if (path[0] === "play" && path[1] === "embed") id = path[2];
  if (!id || !RUTUBE_ID.test(id)) return null;
  // Private videos carry an access key in `p`.
  const p = u.searchParams.get("p");
  return `https://rutube.ru/play/embed/${id}` + (p && TOKEN.test(p) ? `?p=${p}` : "");
}

function vk(u: URL): string | null {
  let oid: string | null = null, id: string | null = null;
  let hash = u.searchParams.get("hash");
  if (u.pathname === "/video_ext.php") {
    oid = u.searchParams.get("oid");
    id = u.searchParams.get("id");
  } else {
    // /video-123_456, /clip-123_456, or ?z=video-123_456 on a wall or album page.
    const m = /(?:^|\/)(?:video|clip)(-?\d+)_(\d+)/.exec(u.pathname) ??
      /^(?:video|clip)(-?\d+)_(\d+)/.exec(u.searchParams.get("z") ?? "");
    if (m) [, oid, id] = m;
  }
  if (!oid || !id || !VK_OID.test(oid) || !VK_ID.test(id)) return null;
  if (hash && !VK_HASH.test(hash)) hash = null;
  return `https://vkvideo.ru/video_ext.php?oid=${oid}&id=${id}&hd=2` +
    (hash ? `&hash=${hash}` : "");
}

function vimeo(u: URL, host: string): string | null {
  const path = u.pathname.split("/").filter(Boolean);
  let id: string | undefined, hash: string | null = u.searchParams.get("h");
  if (host === "player.vimeo.com" && path[0] === "video") id = path[1];
  else if (host === "vimeo.com") {
    // vimeo.com/123, vimeo.com/123/abcdef (unlisted), vimeo.com/channels/x/123
    const i = path.findIndex((p) => VIMEO_ID.test(p));
    if (i >= 0) {
      id = path[i];
      if (!hash && path[i + 1] && VIMEO_HASH.test(path[i + 1])) hash = path[i + 1];
    }
  }
  if (!id || !VIMEO_ID.test(id)) return null;
  return `https://player.vimeo.com/video/${id}` +
    (hash && VIMEO_HASH.test(hash) ? `?h=${hash}` : "");
}

/**
 * The embed for a pasted video URL: an iframe `src` for allowed providers,
 * a plain link for other web addresses, null for anything else.
 */
export function videoEmbed(raw: string | null | undefined): VideoEmbed | null {
  if (!raw) return null;
  let u: URL;
  try {
    u = new URL(raw.trim());
  } catch {
    return null;
  }
  if (u.protocol !== "https:" && u.protocol !== "http:") return null;
  if (u.username || u.password) return null;
  const host = hostOf(u);
  let src: string | null = null;
  let provider: EmbedProvider | null = null;
  if (
    host === "youtube.com" || host === "youtu.be" || host === "youtube-nocookie.com" ||
    host === "music.youtube.com"
  ) {
    provider = "youtube";
    src = youtube(u, host);
  } else if (host === "rutube.ru") {
    provider = "rutube";
    src = rutube(u);
  } else if (host === "vk.com" || host === "vk.ru" || host === "vkvideo.ru") {
    provider = "vk";
    src = vk(u);
  } else if (host === "vimeo.com" || host === "player.vimeo.com") {
    provider = "vimeo";
    src = vimeo(u, host);
  }
  if (provider && src) return { kind: "embed", provider, src, href: u.href };
  return { kind: "link", href: u.href, host };
}
