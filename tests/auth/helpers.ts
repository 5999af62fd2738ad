/**
 * A tiny cookie-keeping client for driving the real forms: GET a page, take
 * the CSRF token and the pre-session cookie from it, POST the form as a
 * browser would. Redirects are not followed, so tests see each 303.
 */
import type { TestApp } from "../helpers/app.ts";
import { createUser } from "@/core/users.ts";
import type { Role } from "@/db/schema.ts";

export const PASSWORD = "Secret123";

export class FormClient {
  readonly cookies = new Map<string, string>();
  constructor(readonly t: TestApp, readonly baseHeaders: Record<string, string> = {}) {}

  cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }

  /** Keeps the cookies a response sets (Max-Age=0 deletes). */
  store(res: Response) {
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(";");
      const eq = pair.indexOf("=");
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (attrs.some((a) => /^\s*max-age=0\s*$/i.test(a)) || value === "") {
        this.cookies.delete(name);
      } else this.cookies.set(name, value);
    }
  }

  async fetch(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(this.baseHeaders);
    new Headers(init.headers).forEach((v, k) => headers.set(k, v));
    if (this.cookies.size) headers.set("cookie", this.cookieHeader());
    const res = await this.t.fetch(path, { ...init, headers, redirect: "manual" });
    this.store(res);
    return res;
  }

  /** GET a page: its response, HTML and the CSRF token of its (first) form. */
  async page(path: string): Promise<{ res: Response; html: string; csrf: string }> {
    const res = await this.fetch(path);
    const html = await res.text();
    const csrf = /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? "";
    return { res, html, csrf };
  }

  /** POST a urlencoded form; `csrf: false` leaves the token out. */
  async post(
    path: string,
    fields: Record<string, string>,
    opts: { csrf?: string | false; headers?: Record<string, string> } = {},
  ): Promise<Response> {
    const body = new URLSearchParams(fields);
    if (opts.csrf !== false) {
      body.set("_csrf", opts.csrf ?? (await this.page(formPage(path))).csrf);
    }
    return await this.fetch(path, {
      method: "POST",
      body,
      headers: { "content-type": "application/x-www-form-urlencoded", ...opts.headers },
    });
  }

  /** POST the form on `pagePath` (fetched first for its token) to `action`. */
  async submit(
    pagePath: string,
    action: string,
    fields: Record<string, string>,
    headers?: Record<string, string>,
  ): Promise<Response> {
    const { csrf } = await this.page(pagePath);
    return await this.post(action, fields, { csrf, headers });
  }

  signedIn(): boolean {
    return this.cookies.has("gafus_session");
  }
}

/** The page a form action lives on (its own path for these account forms). */
function formPage(action: string): string {
  return action === "/logout" ? "/" : action;
}

export async function makeUser(
  t: TestApp,
  username: string,
  opts: { role?: Role; email?: string; password?: string } = {},
): Promise<string> {
  const u = await createUser(t.services, {
    username,
    password: opts.password ?? PASSWORD,
    role: opts.role ?? "USER",
    email: opts.email,
  });
  return u.id;
}

/** Signs a client in through the login form; asserts nothing (tests do). */
export async function loginThroughForm(
  c: FormClient,
  login: string,
  password = PASSWORD,
  next?: string,
): Promise<Response> {
  const fields: Record<string, string> = { login, password };
  if (next) fields.next = next;
  return await c.submit("/login", "/login", fields);
}

export const validRegistration = (username: string, extra: Record<string, string> = {}) => ({
  username,
  email: "",
  password: PASSWORD,
  passwordRepeat: PASSWORD,
  consentPersonalData: "on",
  consentPrivacyPolicy: "on",
  ...extra,
});

/** Decodes the few HTML entities preact escapes, to compare messages with the dictionary. */
export function text(html: string): string {
  return html.replaceAll("&quot;", '"').replaceAll("&#39;", "'").replaceAll("&amp;", "&")
    .replaceAll("&lt;", "<").replaceAll("&gt;", ">");
}
