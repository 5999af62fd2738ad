/**
 * Absolute links (profile addresses, share links, canonical and og: tags,
 * emailed reset links) are built from `PUBLIC_URL`, never from the request:
 * the Host header is whatever the client sent, so a link built from it can
 * point anywhere (and differ between two links on one page).
 */
import type { Config } from "@/platform/config.ts";

/** `path` ("/u/rex") on the site's public address ("https://gafus.ru/u/rex"). */
export function absoluteUrl(config: Pick<Config, "publicUrl">, path: string): string {
  return config.publicUrl + (path.startsWith("/") ? path : `/${path}`);
}
