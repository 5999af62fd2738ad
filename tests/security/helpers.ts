/**
 * Small tools for the security tests: a visitor that keeps cookies (and so
 * its pre-session CSRF token), requests from a chosen peer address, and a
 * log sink that keeps every line written while a test runs.
 */
import type { TestApp } from "../helpers/app.ts";
import { configureLog } from "@/platform/log.ts";

/** A browser without a session: keeps cookies, never follows redirects. */
export class Visitor {
  readonly cookies = new Map<string, string>();
  csrf = "";

  constructor(readonly t: TestApp, readonly peer?: string) {}

  private keep(res: Response) {
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(";");
      const eq = pair.indexOf("=");
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (value === "" || /max-age=0/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  async fetch(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size) {
      headers.set("cookie", [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; "));
    }
    const req = new Request(new URL(path, "http://localhost:8000"), {
      ...init,
      headers,
      redirect: "manual",
    });
    const res = this.peer === undefined
      ? await this.t.app.fetch(req)
      : await this.t.app.fetch(req, peerInfo(this.peer));
    this.keep(res);
    return res;
  }

  /** Takes the pre-session cookie and its CSRF token, as the API client flow does. */
  async start(): Promise<this> {
    const res = await this.fetch("/api/v1/auth/session");
    this.csrf = (await res.json()).csrf;
    return this;
  }

  /** POSTs JSON with the CSRF header. */
  postJson(path: string, body: unknown, headers: HeadersInit = {}): Promise<Response> {
    const h = new Headers(headers);
    h.set("content-type", "application/json");
    h.set("x-csrf-token", this.csrf);
    return this.fetch(path, { method: "POST", body: JSON.stringify(body), headers: h });
  }

  /** POSTs a urlencoded form with the `_csrf` field. */
  postForm(path: string, fields: Record<string, string>, headers: HeadersInit = {}) {
    const h = new Headers(headers);
    h.set("content-type", "application/x-www-form-urlencoded");
    return this.fetch(path, {
      method: "POST",
      body: new URLSearchParams({ ...fields, _csrf: this.csrf }),
      headers: h,
    });
  }
}

/** What `Deno.serve` hands the app for a connection from `hostname`. */
export function peerInfo(hostname: string): Deno.ServeHandlerInfo<Deno.NetAddr> {
  return {
    remoteAddr: { transport: "tcp", hostname, port: 40000 },
    completed: Promise.resolve(),
  };
}

/** Every log line written until `stop()` (the sink is restored then). */
export function captureLog(): { lines: string[]; text(): string; stop(): void } {
  const lines: string[] = [];
  configureLog({ level: "debug", sink: (line) => void lines.push(line) });
  return {
    lines,
    text: () => lines.join(""),
    stop: () => configureLog({ level: "error", sink: null }),
  };
}
