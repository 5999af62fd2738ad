/** Answers shared by the playback routes. */

/** A rewritten playlist: per viewer and full of short-lived tokens, so never stored by any cache. */
export function playlistResponse(text: string): Response {
  return new Response(text, {
    headers: {
      "content-type": "application/vnd.apple.mpegurl",
      "cache-control": "private, no-store",
    },
  });
}
