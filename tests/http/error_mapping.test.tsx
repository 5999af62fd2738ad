/**
 * The one mapping from a thrown error to a response (http/errors.ts): every
 * kind of error, thrown through a JSON route and through a form route, in
 * Russian and English. Two test-only routes are added to the real app (same
 * middlewares: session, language, CSRF): `/api/v1/errtest?kind=…` throws the
 * kind (or reads a JSON body), `/errtest?kind=…` is a form page that
 * re-renders on what `formFailure` accepts and rethrows the rest.
 */
import { z } from "zod";
import { define } from "@/define.ts";
import { type Manifest, page } from "@/framework/mod.ts";
import { buildApp } from "@/server.ts";
import { formFailure } from "@/http/errors.ts";
import { BodyTooLargeError, formObject, readJson } from "@/http/forms.ts";
import type { FieldErrors } from "@/core/validation.ts";
import { ForbiddenError, NotFoundError, SYSTEM, UnauthenticatedError } from "@/core/auth/guards.ts";
import { TrainingError } from "@/core/training/errors.ts";
import { UploadError } from "@/core/uploads.ts";
import { UserExistsError } from "@/core/users.ts";
import { AccountHasContentError, WrongPasswordError } from "@/core/auth/account.ts";
import { ResetTokenError } from "@/core/auth/password_reset.ts";
import { UserOwnsContentError } from "@/core/user_admin.ts";
import { ReviewExistsError } from "@/core/reviews.ts";
import { RateLimitedError } from "@/core/rate_limit.ts";
import { InvalidPushKeysError } from "@/core/push/encrypt.ts";
import { MetricsAccessError } from "@/core/ops.ts";
import { InvalidKeyError } from "@/core/storage/types.ts";
import { listErrorGroups } from "@/core/error_tracking.ts";
import { type Locale, type MessageKey, translator } from "@/core/i18n/mod.ts";
import { openTestApp, type TestApp } from "../helpers/app.ts";
import { type Session, signIn } from "../helpers/session.ts";
import { assert, assertEquals, assertMatch, assertStringIncludes } from "../helpers/assert.ts";

const KINDS: Record<string, () => unknown> = {
  unauthenticated: () => new UnauthenticatedError(),
  forbidden: () => new ForbiddenError("not yours"),
  notFound: () => new NotFoundError("no such pet"),
  training: () =>
    new TrainingError(409, "timer_running", { runningStepId: "us1", title: "Сидеть", url: "/x" }),
  upload: () => new UploadError("tooLarge", { mb: 10 }).onField("photo"),
  userExists: () => new UserExistsError(),
  wrongPassword: () => new WrongPasswordError(),
  hasContent: () => new AccountHasContentError(),
  resetToken: () => new ResetTokenError("expired"),
  ownsContent: () => new UserOwnsContentError("trainer1"),
  reviewExists: () => new ReviewExistsError(),
  rateLimited: () => new RateLimitedError("login", 120),
  pushKeys: () => new InvalidPushKeysError("auth is not 16 bytes"),
  metrics: () => new MetricsAccessError(),
  storageKey: () => new InvalidKeyError("../../etc/passwd"),
  bodyTooLarge: () => new BodyTooLargeError(),
  zod: () => z.object({ name: z.string().min(3) }).safeParse({ name: "x" }).error,
  plain: () => new Error("secret detail of a bug"),
  withStatus: () => Object.assign(new Error("teapot detail"), { status: 418 }),
};

type RouteModule = Manifest["routes"][string];

const jsonRoute: RouteModule = {
  handler: define.handlers({
    async POST(ctx) {
      const kind = ctx.url.searchParams.get("kind") ?? "";
      if (kind === "body") {
        const body = z.object({ n: z.number() }).parse(await readJson(ctx, 1024));
        return Response.json(body);
      }
      throw KINDS[kind]();
    },
  }),
};

interface FormData {
  errors: FieldErrors;
  value: string;
}

const formHandler = define.handlers<FormData>({
  async POST(ctx) {
    const kind = ctx.url.searchParams.get("kind") ?? "";
    const value = String((await formObject(ctx)).value ?? "");
    try {
      throw KINDS[kind]();
    } catch (err) {
      const failure = formFailure(err, ctx.state.t);
      if (!failure) throw err;
      return page({ errors: failure.errors, value }, {
        status: failure.status,
        headers: failure.headers,
      });
    }
  },
});

const formRoute: RouteModule = {
  handler: formHandler,
  default: define.page<typeof formHandler>(({ data }) => (
    <form method="post">
      <input name="value" value={data.value} />
      {Object.entries(data.errors).map(([field, message]) => (
        <p class="field-error" data-field={field}>{message}</p>
      ))}
    </form>
  )),
};

async function open(): Promise<{ t: TestApp; user: Session; close(): Promise<void> }> {
  const t = await openTestApp();
  const app = await buildApp(t.services, {
    "./routes/api/v1/errtest.ts": jsonRoute,
    "./routes/errtest.tsx": formRoute,
  });
  const test: TestApp = {
    ...t,
    app,
    fetch: async (path, init) =>
      await app.fetch(new Request(new URL(path, "http://localhost:8000"), init)),
  };
  const user = await signIn(test, "thrower");
  return { t: test, user, close: () => t.close() };
}

/** What a kind answers with: status, code, message key, and details. */
interface Expected {
  status: number;
  code: string;
  message: MessageKey | ((t: ReturnType<typeof translator>) => string);
  fields?: Record<string, MessageKey | ((t: ReturnType<typeof translator>) => string)>;
  data?: Record<string, unknown>;
  headers?: Record<string, string>;
  /** The form page: re-rendered with these field messages (status as JSON, 422 for zod). */
  form?: {
    status: number;
    fields: Record<string, MessageKey | ((t: ReturnType<typeof translator>) => string)>;
  };
  /** Or, for a form: this status of an error page, or the login redirect. */
  page?: number | "login";
}

const waitMinutes = (t: ReturnType<typeof translator>) =>
  t("auth.rateLimited", { wait: t.plural("minutes", 2) });

const TABLE: Record<string, Expected> = {
  unauthenticated: {
    status: 401,
    code: "unauthenticated",
    message: "error.401.text",
    page: "login",
  },
  forbidden: { status: 403, code: "forbidden", message: "error.403.text", page: 403 },
  notFound: { status: 404, code: "not_found", message: "error.404.text", page: 404 },
  training: {
    status: 409,
    code: "timer_running",
    message: (t) => t("training.error.timerRunning", { title: "Сидеть" }),
    data: { runningStepId: "us1", title: "Сидеть", url: "/x" },
    page: 409,
  },
  upload: {
    status: 413,
    code: "too_large",
    message: (t) => t("upload.tooLarge", { mb: 10 }),
    fields: { photo: (t) => t("upload.tooLarge", { mb: 10 }) },
    form: { status: 413, fields: { photo: (t) => t("upload.tooLarge", { mb: 10 }) } },
  },
  userExists: {
    status: 422,
    code: "taken",
    message: "validation.taken",
    form: { status: 422, fields: { _form: "validation.taken" } },
  },
  wrongPassword: {
    status: 422,
    code: "wrong_password",
    message: "auth.password.wrong",
    fields: { currentPassword: "auth.password.wrong" },
    form: { status: 422, fields: { currentPassword: "auth.password.wrong" } },
  },
  hasContent: {
    status: 409,
    code: "has_content",
    message: "settings.delete.hasContent",
    form: { status: 409, fields: { _form: "settings.delete.hasContent" } },
  },
  resetToken: {
    status: 400,
    code: "reset_token_expired",
    message: "auth.reset.state.expired",
    form: { status: 400, fields: { _form: "auth.reset.state.expired" } },
  },
  ownsContent: {
    status: 409,
    code: "has_content",
    message: "settings.delete.hasContent",
    page: 409,
  },
  reviewExists: {
    status: 409,
    code: "exists",
    message: "reviews.exists",
    form: { status: 409, fields: { _form: "reviews.exists" } },
  },
  rateLimited: {
    status: 429,
    code: "rate_limited",
    message: waitMinutes,
    headers: { "retry-after": "120" },
    form: { status: 429, fields: { _form: waitMinutes } },
  },
  pushKeys: {
    status: 400,
    code: "invalid",
    message: "validation.invalid",
    fields: { keys: "validation.invalid" },
    form: { status: 400, fields: { keys: "validation.invalid" } },
  },
  metrics: {
    status: 401,
    code: "unauthenticated",
    message: "error.401.text",
    headers: { "www-authenticate": 'Bearer realm="metrics"' },
    page: 401,
  },
  storageKey: { status: 400, code: "invalid", message: "error.400.text", page: 400 },
  bodyTooLarge: { status: 413, code: "too_large", message: "error.413.text", page: 413 },
  zod: {
    status: 400,
    code: "invalid",
    message: "error.400.text",
    fields: { name: (t) => t("validation.tooShort", { min: 3 }) },
    form: { status: 422, fields: { name: (t) => t("validation.tooShort", { min: 3 }) } },
  },
};

const text = (m: MessageKey | ((t: ReturnType<typeof translator>) => string), locale: Locale) => {
  const t = translator(locale);
  return typeof m === "function" ? m(t) : t(m);
};

const LOCALES: Locale[] = ["ru", "en"];

function jsonCall(user: Session, t: TestApp, kind: string, locale: Locale, body = "{}") {
  return t.fetch(`/api/v1/errtest?kind=${kind}`, {
    method: "POST",
    body,
    headers: user.headers({
      "x-csrf-token": user.csrf,
      "content-type": "application/json",
      cookie: `lang=${locale}`,
    }),
  });
}

function formCall(user: Session, t: TestApp, kind: string, locale: Locale) {
  return t.fetch(`/errtest?kind=${kind}`, {
    method: "POST",
    body: new URLSearchParams({ value: "kept value", _csrf: user.csrf }),
    headers: user.headers({
      "content-type": "application/x-www-form-urlencoded",
      cookie: `lang=${locale}`,
    }),
    redirect: "manual",
  });
}

Deno.test("every AppError (and a ZodError) becomes its JSON answer: status, code, message and fields in ru and en", async () => {
  const { t, user, close } = await open();
  try {
    for (const [kind, want] of Object.entries(TABLE)) {
      const seen: string[] = [];
      for (const locale of LOCALES) {
        const res = await jsonCall(user, t, kind, locale);
        const what = `${kind} (${locale})`;
        assertEquals(res.status, want.status, what);
        const body = await res.json();
        assertEquals(body.error, want.code, what);
        assertEquals(body.message, text(want.message, locale), what);
        seen.push(body.message);
        if (want.fields) {
          const fields = Object.fromEntries(
            Object.entries(want.fields).map(([f, m]) => [f, text(m, locale)]),
          );
          assertEquals(body.fields, fields, what);
        } else assertEquals(body.fields, undefined, `${what}: no fields`);
        for (const [k, v] of Object.entries(want.data ?? {})) assertEquals(body[k], v, what);
        for (const [k, v] of Object.entries(want.headers ?? {})) {
          assertEquals(res.headers.get(k), v, `${what}: ${k}`);
        }
      }
      assert(seen[0] !== seen[1], `${kind}: the message is translated (${seen.join(" / ")})`);
    }
  } finally {
    await close();
  }
});

Deno.test("the rate-limit answer says how long to wait in the user's words", async () => {
  const { t, user, close } = await open();
  try {
    const ru = await (await jsonCall(user, t, "rateLimited", "ru")).json();
    assertEquals(ru.message, "Слишком много попыток. Попробуйте снова через 2\u00a0минуты.");
    const en = await (await jsonCall(user, t, "rateLimited", "en")).json();
    assertEquals(en.message, "Too many attempts. Please try again in 2\u00a0minutes.");
  } finally {
    await close();
  }
});

Deno.test("the one JSON body reader: bad JSON is 400 `invalid`, an oversized body 413 `too_large`, an empty body `{}`", async () => {
  const { t, user, close } = await open();
  try {
    for (const locale of LOCALES) {
      const bad = await jsonCall(user, t, "body", locale, "{not json");
      assertEquals(bad.status, 400);
      const b = await bad.json();
      assertEquals([b.error, b.message], ["invalid", text("error.400.text", locale)]);

      const big = await jsonCall(
        user,
        t,
        "body",
        locale,
        JSON.stringify({ n: 1, pad: "x".repeat(2000) }),
      );
      assertEquals(big.status, 413);
      const g = await big.json();
      assertEquals([g.error, g.message], ["too_large", text("error.413.text", locale)]);

      // A body without a length is cut off at the limit too.
      const chunked = await t.fetch("/api/v1/errtest?kind=body", {
        method: "POST",
        body: new Blob([JSON.stringify({ n: 1, pad: "x".repeat(2000) })]).stream(),
        headers: user.headers({ "x-csrf-token": user.csrf, cookie: `lang=${locale}` }),
      });
      assertEquals(chunked.status, 413, "streamed body over the limit");
      await chunked.body?.cancel();

      const empty = await jsonCall(user, t, "body", locale, "");
      assertEquals(empty.status, 400, "{} does not fit the schema");
      const e = await empty.json();
      assertEquals(e.error, "invalid");
      assertEquals(Object.keys(e.fields), ["n"]);
    }
    const ok = await jsonCall(user, t, "body", "ru", '{"n":5}');
    assertEquals([ok.status, await ok.json()], [200, { n: 5 }]);
  } finally {
    await close();
  }
});

Deno.test("a form page re-renders with field messages in the user's language and keeps its values; other errors reach the error pages", async () => {
  const { t, user, close } = await open();
  try {
    for (const [kind, want] of Object.entries(TABLE)) {
      for (const locale of LOCALES) {
        const what = `${kind} (${locale})`;
        const res = await formCall(user, t, kind, locale);
        const html = await res.text();
        if (want.form) {
          assertEquals(res.status, want.form.status, what);
          assertStringIncludes(html, 'value="kept value"', `${what}: the value is kept`);
          for (const [field, m] of Object.entries(want.form.fields)) {
            const message = text(m, locale).replace(/"/g, "&quot;");
            assertStringIncludes(html, `data-field="${field}">${message}</p>`, what);
          }
          for (const [k, v] of Object.entries(want.headers ?? {})) {
            assertEquals(res.headers.get(k), v, `${what}: ${k}`);
          }
        } else if (want.page === "login") {
          assertEquals(res.status, 303, what);
          assertEquals(
            res.headers.get("location"),
            "/login?next=%2Ferrtest%3Fkind%3Dunauthenticated",
          );
        } else {
          assertEquals(res.status, want.page, what);
          assert(!html.includes("field-error"), `${what}: the form is not shown`);
          const body = want.page === 404 ? "error.404.text" : want.message;
          assertStringIncludes(html, escape(text(body, locale)), what);
          for (const [k, v] of Object.entries(want.headers ?? {})) {
            assertEquals(res.headers.get(k), v, `${what}: ${k}`);
          }
        }
      }
    }
  } finally {
    await close();
  }
});

function escape(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(
    /"/g,
    "&quot;",
  );
}

Deno.test("an error that is not an AppError is a 500 with the request id, recorded, and its text never shown", async () => {
  const { t, user, close } = await open();
  try {
    for (const kind of ["plain", "withStatus"]) {
      for (const locale of LOCALES) {
        const what = `${kind} (${locale})`;
        const res = await jsonCall(user, t, kind, locale);
        assertEquals(res.status, 500, what);
        const raw = await res.text();
        assert(!raw.includes("detail"), `${what}: the raw message is not shown: ${raw}`);
        const body = JSON.parse(raw);
        assertEquals(body.error, "internal", what);
        assertEquals(body.message, text("error.500.text", locale), what);
        assertMatch(body.requestId, /\S/);
        assertEquals(body.requestId, res.headers.get("x-request-id"), what);

        const page = await formCall(user, t, kind, locale);
        assertEquals(page.status, 500, what);
        const html = await page.text();
        assert(!html.includes("detail"), `${what}: the raw message is not on the page`);
        const id = page.headers.get("x-request-id")!;
        assertStringIncludes(html, text("error.500.text", locale), what);
        assertStringIncludes(html, escape(translator(locale)("error.requestId", { id })), what);
      }
    }
    // Recorded for the error dashboard (reporting is not awaited by the answer).
    for (const message of ["secret detail of a bug", "teapot detail"]) {
      let groups: Awaited<ReturnType<typeof listErrorGroups>>["groups"] = [];
      for (let i = 0; i < 50 && !groups.length; i++) {
        groups = (await listErrorGroups(t.services, SYSTEM, { q: message })).groups;
        if (!groups.length) await new Promise((r) => setTimeout(r, 20));
      }
      assertEquals(groups.length, 1, `${message}: one group`);
      assertEquals(groups[0].source, "server");
    }
  } finally {
    await close();
  }
});
