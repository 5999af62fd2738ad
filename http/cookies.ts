/** Reading and writing cookies on plain Request/Response headers. */

export function getCookie(headers: Headers, name: string): string | undefined {
  return cookieFrom(headers.get("cookie"), name);
}

/** A cookie's value from a `Cookie` header's text. */
export function cookieFrom(header: string | null, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) {
      const value = part.slice(eq + 1).trim();
      try {
        return decodeURIComponent(value);
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

export interface CookieOptions {
  maxAge?: number;
  path?: string;
  httpOnly?: boolean;
  secure?: boolean;
  sameSite?: "Lax" | "Strict" | "None";
}

export function setCookie(headers: Headers, name: string, value: string, opts: CookieOptions = {}) {
  const parts = [`${name}=${encodeURIComponent(value)}`, `Path=${opts.path ?? "/"}`];
  if (opts.maxAge !== undefined) parts.push(`Max-Age=${Math.floor(opts.maxAge)}`);
  if (opts.httpOnly) parts.push("HttpOnly");
  if (opts.secure) parts.push("Secure");
  parts.push(`SameSite=${opts.sameSite ?? "Lax"}`);
  headers.append("set-cookie", parts.join("; "));
}

export function deleteCookie(headers: Headers, name: string, path = "/") {
  headers.append("set-cookie", `${name}=; Path=${path}; Max-Age=0; SameSite=Lax`);
}
