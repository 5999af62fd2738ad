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
    const out = url.pathname + url.search + url.hash;
    // Normalising dot segments can produce `//host` again (`/.//evil.example`): check the result.
    return out.startsWith("//") || out.startsWith("/\\") ? fallback : out;
  } catch {
    return fallback;
  }
}
