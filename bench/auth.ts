/**
 * Account benchmarks on PostgreSQL (functions for bench/run.ts):
 *
 * - login (`POST /login`, the KDF included) beside the bare KDF call alone,
 *   so the page's overhead over the hash is visible. Rate limits stay on:
 *   each request comes from its own forwarded address (the app runs with
 *   TRUST_PROXY) and the logins rotate over many accounts;
 * - an authenticated `/profile` beside the anonymous `/courses`.
 */
import { DEFAULTS, load, type LoadResult, loadScript, type Options, row } from "./lib.ts";
import { BENCH_PASSWORD, withPostgresApp } from "./pg_app.ts";
import { benchKdf } from "./kdf.ts";

export interface AuthBench {
  kdfVerify: LoadResult;
  login: LoadResult;
  courses: LoadResult;
  profile: LoadResult;
}

/** The pre-session cookie and CSRF token a browser gets with the login form. */
async function loginForm(origin: string): Promise<{ cookie: string; csrf: string }> {
  const res = await fetch(`${origin}/login`);
  const html = await res.text();
  const csrf = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
  const pre = res.headers.getSetCookie().find((c) => c.startsWith("gafus_pre="))?.split(";")[0];
  if (!csrf || !pre) throw new Error("the login page gave no CSRF token or pre-session cookie");
  return { cookie: pre, csrf };
}

export async function benchAuth(serverUrl: string, o: Options = DEFAULTS): Promise<AuthBench> {
  const kdf = await benchKdf({ concurrency: o.connections, seconds: o.seconds });
  return await withPostgresApp(serverUrl, async (env) => {
    const accounts = 80;
    await env.createUsers("bench_login_", accounts);
    const form = await loginForm(env.url);
    const lua = [
      `local names = {}`,
      `for i = 0, ${accounts - 1} do names[#names + 1] = "bench_login_" .. i end`,
      "local counter = 0",
      "function setup(thread) thread:set('tid', counter); counter = counter + 1 end",
      "local i = 0",
      "function request()",
      "  i = i + 1",
      "  local name = names[(i * 7 + tid) % #names + 1]",
      `  local body = "login=" .. name .. "&password=${
        encodeURIComponent(BENCH_PASSWORD)
      }&_csrf=" .. ${JSON.stringify(encodeURIComponent(form.csrf))}`,
      "  local ip = '10.' .. tid .. '.' .. (math.floor(i / 250) % 250) .. '.' .. (i % 250 + 1)",
      "  return wrk.format('POST', '/login', {",
      `    ['Cookie'] = ${JSON.stringify(form.cookie)},`,
      "    ['Content-Type'] = 'application/x-www-form-urlencoded',",
      "    ['X-Forwarded-For'] = ip,",
      "  }, body)",
      "end",
    ].join("\n");
    // 32 hashes at once queue for the CPU: seconds each, past wrk's 2 s default.
    const login = await loadScript("POST /login (KDF included)", env.url, lua, {
      ...o,
      timeoutSec: 15,
    });
    const courses = await load(
      "/courses anonymous, PostgreSQL",
      `${env.url}/courses`,
      undefined,
      o,
    );
    const [userId] = await env.createUsers("bench_profile_", 1);
    const session = await env.sessionFor(userId);
    const profile = await load("/profile signed in, PostgreSQL", `${env.url}/profile`, {
      headers: { cookie: session.cookie },
    }, o);
    return { kdfVerify: kdf.verify, login, courses, profile };
  }, { TRUST_PROXY: "true" });
}

export function authReport(r: AuthBench): string[] {
  return [
    "## Accounts (PostgreSQL)",
    "",
    "Login beside the bare KDF (`verifyPassword`, scrypt N=2^15, 32 callers at once, no HTTP):",
    "",
    "| scenario | req/s | p50 ms | p99 ms | vs baseline | target | errors |",
    "|---|---:|---:|---:|---:|---|---:|",
    row(r.kdfVerify, r.kdfVerify),
    row(r.login, r.kdfVerify),
    "",
    "Signed-in page beside the anonymous catalogue:",
    "",
    "| scenario | req/s | p50 ms | p99 ms | vs baseline | target | errors |",
    "|---|---:|---:|---:|---:|---|---:|",
    row(r.courses, r.courses),
    row(r.profile, r.courses),
    "",
  ];
}

if (import.meta.main) {
  const server = Deno.env.get("BENCH_DATABASE_URL") ??
    "postgres://postgres@127.0.0.1:5432/postgres";
  console.log(authReport(await benchAuth(server)).join("\n"));
}
