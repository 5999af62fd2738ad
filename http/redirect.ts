/**
 * Only same-site paths are followed after login or a language switch:
 * `/courses?x` yes; `//evil.com`, `/\evil.com` or `https://…` fall back to `/`.
 */
export function safeNext(next: string | null | undefined, fallback = "/"): string {
  if (!next || !next.startsWith("/") || next.startsWith("//") || next.startsWith("/\\")) {
    return fallback;
  }
  try {
    const url = new URL(next, "http://x");
    if (url.host !== "x") return fallback;
    return url.pathname + url.search + url.hash;
  } catch {
    return fallback;
  }
}
