/**
 * Signed-in requests in tests: creates a user (or takes an existing one) and
 * gives the cookie and CSRF token a browser would have after logging in.
 */
import type { TestApp } from "./app.ts";
import { createUser } from "@/core/users.ts";
import { createSessionToken } from "@/core/auth/session.ts";
import { csrfTokenForUser } from "@/http/csrf.ts";
import { SESSION_COOKIE } from "@/http/session.ts";
import type { Role } from "@/db/schema.ts";

export const TEST_PASSWORD = "Secret123";

export interface Session {
  id: string;
  username: string;
  role: Role;
  cookie: string;
  csrf: string;
  /** Headers for a request as this user; `csrf: true` adds the token header for unsafe methods. */
  headers(extra?: HeadersInit): Headers;
  /** fetch as this user (GET by default; unsafe methods carry the CSRF header). */
  fetch(path: string, init?: RequestInit): Promise<Response>;
  /** POST a urlencoded form with the CSRF field, as a browser form would. */
  post(path: string, fields: Record<string, string>): Promise<Response>;
}

export async function signIn(t: TestApp, username: string, role: Role = "USER"): Promise<Session> {
  let row = await t.services.db.selectFrom("users").select([
    "id",
    "username",
    "role",
    "session_version",
  ])
    .where("username", "=", username).executeTakeFirst();
  if (!row) {
    await createUser(t.services, { username, password: TEST_PASSWORD, role });
    row = await t.services.db.selectFrom("users").select([
      "id",
      "username",
      "role",
      "session_version",
    ])
      .where("username", "=", username).executeTakeFirstOrThrow();
  }
  const user = { id: row.id, sessionVersion: row.session_version };
  const token = await createSessionToken(t.services, user);
  const cookie = `${SESSION_COOKIE}=${token}`;
  const csrf = csrfTokenForUser(t.services.config.secrets.session, user);
  const headers = (extra?: HeadersInit) => {
    const h = new Headers(extra);
    const existing = h.get("cookie");
    h.set("cookie", existing ? `${existing}; ${cookie}` : cookie);
    return h;
  };
  return {
    id: row.id,
    username: row.username,
    role: row.role,
    cookie,
    csrf,
    headers,
    fetch(path, init = {}) {
      const h = headers(init.headers);
      const method = (init.method ?? "GET").toUpperCase();
      if (!["GET", "HEAD"].includes(method) && !h.has("x-csrf-token")) h.set("x-csrf-token", csrf);
      return t.fetch(path, { ...init, headers: h });
    },
    post(path, fields) {
      const body = new URLSearchParams({ ...fields, _csrf: csrf });
      return t.fetch(path, {
        method: "POST",
        body,
        headers: headers({ "content-type": "application/x-www-form-urlencoded" }),
      });
    },
  };
}

/** A form POST as a browser sends it, with the session's CSRF token; `lang` sets the language cookie. */
export function postForm(
  t: TestApp,
  who: Session,
  path: string,
  fields: Record<string, string>,
  lang?: "ru" | "en",
): Promise<Response> {
  return t.fetch(path, {
    method: "POST",
    body: new URLSearchParams({ ...fields, _csrf: who.csrf }),
    headers: who.headers({
      "content-type": "application/x-www-form-urlencoded",
      ...(lang ? { cookie: `lang=${lang}` } : {}),
    }),
  });
}
