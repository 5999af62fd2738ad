/**
 * `GET /sw-precache.json` — the app shell of the running release for the
 * service worker (static/sw.js): `{ release, urls }`, every client chunk and
 * static file by its content-hashed URL, straight from the build's
 * `_fresh/meta.json`. The same for everyone (no user data).
 */
import { define } from "@/define.ts";
import { shell } from "@/framework/mod.ts";

export const handler = define.handlers({
  GET() {
    const { release, precache } = shell();
    return Response.json({ release, urls: precache }, {
      headers: { "cache-control": "no-cache" },
    });
  },
});
