/**
 * The /api/v1 contract: the OpenAPI document built from the real manifest
 * (the routes' own `openapi` exports) against the real routes. One scenario
 * with a learner, a second learner, a trainer and an admin calls every
 * documented operation — each success path, and an error path for every
 * mutating one — and runs each real answer through `assertMatchesDocument`.
 * A second test checks that every /api/v1 route module documents every
 * method its handler implements.
 */
import manifest from "@/fresh.gen.ts";
import { buildOpenApi, documentedRoutes } from "@/http/openapi.ts";
import { parseRouteFile } from "@/framework/router.ts";
import { openTestApp, type TestApp } from "../helpers/app.ts";
import { type Session, signIn, TEST_PASSWORD } from "../helpers/session.ts";
import { assert, assertEquals } from "../helpers/assert.ts";
import { assertMatchesDocument, findOperation } from "../helpers/openapi.ts";
import { makeCourse } from "../training/helpers.ts";
import { makeVideo } from "../training/videos.ts";
import { makePng } from "../profile/fixtures.ts";
import { addReadyVideo, useVideoInStep } from "../video/play_helpers.ts";
import { toBase64Url } from "@/platform/encoding.ts";

type Json = Record<string, unknown>;

const doc = buildOpenApi(manifest, {
  title: "Gafus API",
  version: "test",
  serverUrl: "http://localhost:8000",
});

const MUTATING = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/** What did not match, over the whole scenario. */
const problems: string[] = [];

/** operationId → statuses seen. */
const seen = new Map<string, Set<number>>();

interface CallInit {
  json?: unknown;
  body?: BodyInit;
  headers?: Record<string, string>;
}

/** One request as `who` (null: no session), checked against the document. */
async function call(
  t: TestApp,
  who: Session | null,
  method: string,
  path: string,
  init: CallInit = {},
): Promise<{ status: number; body: Json; res: Response }> {
  const headers: Record<string, string> = { ...init.headers };
  let body = init.body;
  if (init.json !== undefined) {
    headers["content-type"] = "application/json";
    body = JSON.stringify(init.json);
  }
  const req = { method, body, headers, redirect: "manual" as const };
  if (Deno.env.get("CONTRACT_DEBUG")) console.error(method, path);
  const res = who ? await who.fetch(path, req) : await t.fetch(path, req);
  const op = findOperation(doc, method, new URL(path, "http://x").pathname);
  assert(op, `${method} ${path} is not documented`);
  let parsed: unknown = null;
  try {
    // Whole bytes first: a streamed file and its tee'd clone need not both be drained.
    const bytes = res.body ? new Uint8Array(await res.arrayBuffer()) : null;
    const copy = new Response(bytes, { status: res.status, headers: res.headers });
    parsed = await assertMatchesDocument(doc, method, path, copy);
  } catch (err) {
    // Every disagreement of one run is reported at the end, not only the first.
    problems.push((err as Error).message);
  }
  const id = op.operationId as string;
  if (!seen.has(id)) seen.set(id, new Set());
  seen.get(id)!.add(res.status);
  return { status: res.status, body: (parsed ?? {}) as Json, res };
}

/** `call` that also requires the status. */
async function expect(
  t: TestApp,
  who: Session | null,
  method: string,
  path: string,
  status: number,
  init: CallInit = {},
): Promise<Json> {
  const r = await call(t, who, method, path, init);
  if (r.status !== status) {
    problems.push(
      `${method} ${path}: ${r.status}, expected ${status}: ${JSON.stringify(r.body).slice(0, 300)}`,
    );
  }
  return r.body;
}

async function browserSubscription(endpoint: string) {
  const pair = await crypto.subtle.generateKey({ name: "ECDH", namedCurve: "P-256" }, true, [
    "deriveBits",
  ]) as CryptoKeyPair;
  const raw = new Uint8Array(await crypto.subtle.exportKey("raw", pair.publicKey));
  return {
    endpoint,
    expirationTime: null,
    keys: {
      p256dh: toBase64Url(raw),
      auth: toBase64Url(crypto.getRandomValues(new Uint8Array(16))),
    },
  };
}

Deno.test({
  name: "every documented /api/v1 operation answers as its OpenAPI document says",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    problems.length = 0;
    await using t = await openTestApp();
    const lena = await signIn(t, "lena", "USER");
    const olga = await signIn(t, "olga", "USER");
    const coach = await signIn(t, "coach", "TRAINER");
    const root = await signIn(t, "root", "ADMIN");

    const c = await makeCourse(t, {
      author: "coach",
      days: [{
        steps: [
          { type: "THEORY", description: "Читайте **внимательно**" },
          {
            type: "TRAINING",
            durationSec: 60,
            videoUrl: "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
          },
          { type: "DIARY" },
          {
            type: "EXAMINATION",
            requiresVideo: true,
            checklist: [{
              id: "q1",
              question: "Сколько лап у собаки?",
              options: ["3", "4"],
              correctIndex: 1,
            }],
          },
        ],
      }, { steps: [{ type: "PRACTICE", checklistItems: ["Сидеть"] }] }],
    });
    const short = await makeCourse(t, { author: "coach", days: [{ steps: [{ type: "THEORY" }] }] });
    const day = c.days[0];
    const [theory, training, diary, exam] = day.stepOnDayIds;
    const step = (sd: string, action?: string) =>
      `/api/v1/training/days/${day.dayOnCourseId}/steps/${sd}${action ? `/${action}` : ""}`;
    const { videoId } = await addReadyVideo(t, coach.id);
    await useVideoInStep(t, day.stepIds[0], videoId);

    // ------------------------------------------------------------ catalogue
    await expect(t, null, "GET", "/api/v1/courses", 200);
    await expect(t, lena, "GET", "/api/v1/courses?tab=progress", 200);
    await expect(t, lena, "GET", "/api/v1/courses?sort=bogus", 400);
    await expect(t, null, "GET", "/api/v1/courses?tab=favorites", 401);
    await expect(t, null, "GET", `/api/v1/courses/${c.slug}`, 200);
    await expect(t, lena, "GET", `/api/v1/courses/${c.slug}`, 200);
    await expect(t, lena, "GET", "/api/v1/courses/no-such-course", 404);

    const fav = `/api/v1/courses/${c.slug}/favorite`;
    await expect(t, lena, "GET", fav, 200);
    await expect(t, lena, "PUT", fav, 200);
    await expect(t, lena, "DELETE", fav, 200);
    await expect(t, lena, "POST", fav, 200, { json: { favorite: true } });
    await expect(t, lena, "POST", fav, 400, { json: { favorite: "yes" } });
    await expect(t, null, "PUT", fav, 403);
    await expect(t, lena, "DELETE", "/api/v1/courses/no-such-course/favorite", 404);

    // ------------------------------------------------------------- training
    const dayPath = `/api/v1/courses/${c.slug}/days/${day.dayOnCourseId}`;
    const before = await expect(t, lena, "GET", dayPath, 200);
    const steps = before.steps as Json[];
    assertEquals(steps.length, 4);
    assertEquals(JSON.stringify(steps[3].questions).includes("correctIndex"), false);
    await expect(t, null, "GET", dayPath, 401);
    await expect(
      t,
      lena,
      "GET",
      `/api/v1/courses/${c.slug}/days/${short.days[0].dayOnCourseId}`,
      404,
    );

    await expect(t, lena, "GET", step(training), 200);
    await expect(t, lena, "POST", step(training, "start"), 200, { json: {} });
    await expect(t, lena, "POST", step(training, "pause"), 200);
    await expect(t, lena, "POST", step(training, "resume"), 200, { json: { pauseOther: false } });
    await expect(t, lena, "POST", step(training, "complete"), 409); // too early
    await expect(t, lena, "POST", step(training, "reset"), 200);
    await expect(t, lena, "POST", step(theory, "complete"), 200);
    await expect(t, lena, "POST", step(diary, "diary"), 400, { json: { content: "" } });
    const d = await expect(t, lena, "POST", step(diary, "diary"), 200, {
      json: { content: "Сегодня получилось" },
    });
    assertEquals((d.entry as Json).content, "Сегодня получилось");
    await expect(t, lena, "POST", step(exam, "exam"), 422, { json: { answers: { q1: 1 } } }); // no video yet
    await expect(t, lena, "POST", step(exam, "video"), 415, {
      body: "not a video",
      headers: { "content-type": "video/mp4" },
    });
    const upload = await expect(t, lena, "POST", step(exam, "video"), 200, {
      body: await makeVideo("mp4"),
      headers: { "content-type": "video/mp4" },
    });
    await expect(t, lena, "POST", step(exam, "exam"), 200, {
      json: { answers: { q1: 1 }, videoKey: upload.key },
    });
    await expect(t, olga, "GET", step(exam), 200); // her own, untouched state
    await expect(t, lena, "GET", step("nope"), 404);
    await expect(t, lena, "GET", dayPath, 200);
    await expect(t, lena, "GET", `/api/v1/courses/${c.slug}/diary`, 200);
    await expect(t, null, "GET", `/api/v1/courses/${c.slug}/diary`, 401);

    // -------------------------------------------------------------- reviews
    const shortStep = `/api/v1/training/days/${short.days[0].dayOnCourseId}/steps/${
      short.days[0].stepOnDayIds[0]
    }`;
    await expect(t, lena, "POST", `${shortStep}/complete`, 200);
    const reviews = `/api/v1/courses/${short.slug}/reviews`;
    await expect(t, olga, "POST", reviews, 403, { json: { rating: 5 } });
    const r = await expect(t, lena, "POST", reviews, 201, { json: { rating: 5, comment: "Да" } });
    await expect(t, lena, "POST", reviews, 409, { json: { rating: 4 } });
    await expect(t, null, "GET", reviews, 200);
    await expect(t, lena, "GET", `${reviews}?page=1`, 200);
    await expect(t, lena, "GET", "/api/v1/courses/no-such-course/reviews", 404);
    const reviewId = (r.review as Json).id as string;
    await expect(t, lena, "PATCH", `${reviews}/${reviewId}`, 200, { json: { rating: 4 } });
    await expect(t, lena, "PATCH", `${reviews}/${reviewId}`, 400, { json: { rating: 9 } });
    await expect(t, olga, "DELETE", `${reviews}/${reviewId}`, 403);
    await expect(t, lena, "DELETE", `${reviews}/${reviewId}`, 204);

    // ----------------------------------------------------------------- pets
    await expect(t, lena, "GET", "/api/v1/pets", 200);
    await expect(t, lena, "POST", "/api/v1/pets", 400, { json: { name: "" } });
    const p = await expect(t, lena, "POST", "/api/v1/pets", 201, {
      json: { name: "Рекс", type: "DOG", breed: "Овчарка", birthDate: "2020-05-01" },
    });
    const pet = `/api/v1/pets/${(p.pet as Json).id}`;
    await expect(t, lena, "GET", pet, 200);
    await expect(t, olga, "GET", pet, 404);
    await expect(t, lena, "PATCH", pet, 200, { json: { weightKg: 30 } });
    await expect(t, olga, "PATCH", pet, 404, { json: { weightKg: 1 } });
    const png = await makePng();
    await expect(t, lena, "PUT", `${pet}/photo`, 415, {
      body: "text",
      headers: { "content-type": "image/png" },
    });
    await expect(t, lena, "PUT", `${pet}/photo`, 200, {
      body: png,
      headers: { "content-type": "image/png" },
    });
    await expect(t, lena, "DELETE", `${pet}/photo`, 200);
    await expect(t, olga, "DELETE", `${pet}/photo`, 404);
    await expect(t, olga, "DELETE", pet, 404);
    await expect(t, lena, "DELETE", pet, 204);

    // -------------------------------------------------------------- profile
    await expect(t, lena, "GET", "/api/v1/profile", 200);
    await expect(t, null, "GET", "/api/v1/profile", 401);
    await expect(t, lena, "PATCH", "/api/v1/profile", 200, {
      json: { fullName: "Лена", isPublic: true },
    });
    await expect(t, lena, "PATCH", "/api/v1/profile", 400, { json: { website: "not a url" } });
    await expect(t, lena, "PUT", "/api/v1/profile/avatar", 200, {
      body: png,
      headers: { "content-type": "image/png" },
    });
    await expect(t, lena, "PUT", "/api/v1/profile/avatar", 415, {
      body: "text",
      headers: { "content-type": "image/png" },
    });
    await expect(t, lena, "DELETE", "/api/v1/profile/avatar", 200);
    await expect(t, null, "DELETE", "/api/v1/profile/avatar", 403);
    await expect(t, olga, "GET", "/api/v1/profiles/lena", 200);
    await expect(t, olga, "GET", "/api/v1/profiles/nobody", 404);
    await expect(t, lena, "GET", "/api/v1/users/username-available?u=lena2", 200);
    await expect(t, lena, "GET", "/api/v1/users/username-available?u=!", 400);

    // ------------------------------------------------------------ reminders
    await expect(t, lena, "GET", "/api/v1/reminders", 200);
    const rem = await expect(t, lena, "POST", "/api/v1/reminders", 201, {
      json: { time: "08:30", days: ["mon", "wed"] },
    });
    await expect(t, lena, "POST", "/api/v1/reminders", 409, {
      json: { time: "08:30", days: ["mon", "wed"] },
    });
    await expect(t, lena, "POST", "/api/v1/reminders", 400, { json: { time: "25:00", days: [] } });
    const remPath = `/api/v1/reminders/${(rem.reminder as Json).id}`;
    await expect(t, lena, "GET", remPath, 200);
    await expect(t, olga, "GET", remPath, 404);
    await expect(t, lena, "PUT", remPath, 200, {
      json: { time: "09:00", days: ["sun"], enabled: false },
    });
    await expect(t, lena, "PUT", remPath, 400, { json: { time: "x", days: ["sun"] } });
    await expect(t, olga, "PUT", remPath, 404, { json: { time: "10:00", days: ["sun"] } });
    await expect(t, olga, "DELETE", remPath, 404);
    await expect(t, lena, "DELETE", remPath, 204);

    // ---------------------------------------------------- achievements etc.
    const ach = await expect(t, lena, "GET", "/api/v1/achievements", 200);
    assert((ach.stats as Json).daysCompleted !== undefined);
    await expect(t, null, "GET", "/api/v1/achievements", 401);

    await expect(t, lena, "GET", "/api/v1/notifications?limit=5", 200);
    await expect(t, lena, "GET", "/api/v1/notifications?limit=0", 400);
    await expect(t, lena, "POST", "/api/v1/notifications/read", 200, { json: { all: true } });
    await expect(t, lena, "POST", "/api/v1/notifications/read", 400, { json: { ids: [] } });
    await expect(t, lena, "GET", "/api/v1/notification-prefs", 200);
    await expect(t, lena, "PUT", "/api/v1/notification-prefs", 200, {
      json: { "reminders.telegram": false },
    });
    await expect(t, lena, "PUT", "/api/v1/notification-prefs", 400, { json: { "x.y": true } });

    await expect(t, null, "GET", "/api/v1/push/public-key", 200);
    const sub = await browserSubscription("https://push.example.com/send/abc");
    await expect(t, lena, "POST", "/api/v1/push/subscriptions", 201, { json: sub });
    await expect(t, lena, "POST", "/api/v1/push/subscriptions", 200, { json: sub });
    await expect(t, lena, "POST", "/api/v1/push/subscriptions", 400, { json: { endpoint: 1 } });
    await expect(t, olga, "DELETE", "/api/v1/push/subscriptions", 404, {
      json: { endpoint: sub.endpoint },
    });
    await expect(t, lena, "DELETE", "/api/v1/push/subscriptions", 204, {
      json: { endpoint: sub.endpoint },
    });

    await expect(t, null, "POST", "/api/v1/client-errors", 204, {
      json: { message: "boom", kind: "error" },
      headers: { origin: "http://localhost:8000" },
    });
    await expect(t, null, "POST", "/api/v1/client-errors", 403, {
      json: { message: "boom" },
      headers: { origin: "https://evil.example" },
    });
    await expect(t, root, "GET", "/api/v1/ops/queues", 200);
    await expect(t, lena, "GET", "/api/v1/ops/queues", 403);

    // --------------------------------------------------------------- videos
    const session = await expect(t, lena, "POST", `/api/v1/videos/${videoId}/session`, 200);
    await expect(t, lena, "POST", "/api/v1/videos/nope/session", 404);
    const masterRes = await lena.fetch(session.url as string);
    const master = await masterRes.text();
    await expect(t, lena, "GET", session.url as string, 200);
    await expect(t, lena, "GET", `/api/v1/videos/${videoId}/master.m3u8?t=bad`, 403);
    const rendition = master.split("\n").find((l) => l.startsWith("/api/v1/"))!;
    const playlist = await (await lena.fetch(rendition)).text();
    await expect(t, lena, "GET", rendition, 200);
    const segment = playlist.split("\n").find((l) =>
      l.startsWith("/api/v1/") && l.includes(".ts")
    )!;
    await expect(t, lena, "GET", segment, 200);
    const keyUri = /URI="([^"]+)"/.exec(playlist)![1];
    await expect(t, lena, "GET", keyUri, 200);
    await expect(t, olga, "GET", keyUri, 403); // another viewer's token
    await expect(t, lena, "GET", `/api/v1/videos/${videoId}/image/poster`, 200);
    await expect(t, lena, "GET", `/api/v1/videos/${videoId}/image/thumb`, 200);
    await expect(t, lena, "GET", "/api/v1/videos/nope/image/poster", 404);
    await expect(t, lena, "POST", `/api/v1/videos/${videoId}/progress`, 200, {
      json: { position: 2 },
    });
    await expect(t, lena, "POST", `/api/v1/videos/${videoId}/progress`, 400, {
      json: { position: -1 },
    });
    // The kept copy (offline bundle): stable URLs, the session and access checked instead.
    const offlinePlaylist = await lena.fetch(`/api/v1/videos/${videoId}/offline/playlist.m3u8`);
    const offlineSegment = (await offlinePlaylist.text()).split("\n")
      .find((l) => l.startsWith("/api/v1/") && l.includes(".ts"))!;
    await expect(t, lena, "GET", `/api/v1/videos/${videoId}/offline/playlist.m3u8`, 200);
    await expect(t, lena, "GET", "/api/v1/videos/nope/offline/playlist.m3u8", 404);
    await expect(t, lena, "GET", offlineSegment, 200);
    await expect(t, lena, "GET", `/api/v1/videos/${videoId}/offline/240p/index.m3u8`, 404);
    await expect(t, lena, "GET", `/api/v1/videos/${videoId}/offline/key`, 200);
    await expect(t, lena, "GET", "/api/v1/videos/nope/offline/key", 404);

    // --------------------------------------------------------------- studio
    await expect(t, coach, "GET", "/api/v1/studio/courses", 200);
    await expect(t, null, "GET", "/api/v1/studio/courses", 401);
    await expect(t, lena, "GET", "/api/v1/studio/courses", 403);
    const course = (await expect(t, coach, "GET", `/api/v1/studio/courses/${c.courseId}`, 200))
      .course as Json;
    await expect(t, coach, "GET", "/api/v1/studio/courses/nope", 404);
    const cPath = `/api/v1/studio/courses/${c.courseId}`;
    await expect(t, coach, "POST", `${cPath}/logo`, 200, {
      body: png,
      headers: { "content-type": "image/png" },
    });
    await expect(t, coach, "POST", `${cPath}/logo`, 415, {
      body: "text",
      headers: { "content-type": "image/png" },
    });
    await expect(t, coach, "DELETE", `${cPath}/logo`, 200);
    await expect(t, lena, "DELETE", `${cPath}/logo`, 403);
    const order = course.order as string[];
    await expect(t, coach, "PUT", `${cPath}/order`, 200, {
      json: { order: [...order].reverse(), seen: order },
    });
    await expect(t, coach, "PUT", `${cPath}/order`, 409, { json: { order, seen: order } });
    await expect(t, coach, "POST", `${cPath}/publish`, 200);
    await expect(t, lena, "POST", `${cPath}/publish`, 403);
    const empty = await makeCourse(t, { author: "coach", days: [] });
    await expect(t, coach, "POST", `/api/v1/studio/courses/${empty.courseId}/publish`, 422);

    await expect(t, coach, "GET", "/api/v1/studio/days", 200);
    const sDay = (await expect(t, coach, "GET", `/api/v1/studio/days/${day.dayId}`, 200))
      .day as Json;
    await expect(t, coach, "GET", "/api/v1/studio/days/nope", 404);
    const sOrder = sDay.order as string[];
    await expect(t, coach, "PUT", `/api/v1/studio/days/${day.dayId}/order`, 200, {
      json: { order: sOrder, seen: sOrder },
    });
    await expect(t, coach, "PUT", `/api/v1/studio/days/${day.dayId}/order`, 409, {
      json: { order: sOrder, seen: [...sOrder].reverse() },
    });

    await expect(t, coach, "POST", "/api/v1/studio/preview", 200, {
      json: { markdown: "**Привет**, {{petName}}" },
    });
    await expect(t, coach, "POST", "/api/v1/studio/preview", 400, { json: {} });

    await expect(t, coach, "GET", "/api/v1/studio/steps?sort=title", 200);
    const created = await expect(t, coach, "POST", "/api/v1/studio/steps", 201, {
      json: { title: "Новый шаг", type: "THEORY", description: "Текст" },
    });
    await expect(t, coach, "POST", "/api/v1/studio/steps", 400, { json: { type: "THEORY" } });
    const sPath = `/api/v1/studio/steps/${(created.step as Json).id}`;
    await expect(t, coach, "GET", sPath, 200);
    await expect(t, coach, "PATCH", sPath, 200, { json: { title: "Другое имя" } });
    await expect(t, coach, "PATCH", sPath, 400, { json: { type: "NOPE" } });
    await expect(t, coach, "POST", `${sPath}/media?kind=image`, 200, {
      body: png,
      headers: { "content-type": "image/png" },
    });
    await expect(t, coach, "POST", `${sPath}/media?kind=image`, 415, {
      body: "text",
      headers: { "content-type": "image/png" },
    });
    await expect(t, coach, "POST", `${sPath}/media?kind=video`, 400, { body: png });
    await expect(t, coach, "DELETE", sPath, 204);
    await expect(t, coach, "DELETE", `/api/v1/studio/steps/${day.stepIds[0]}`, 409);

    await expect(t, coach, "GET", "/api/v1/studio/videos", 200);
    await expect(t, coach, "POST", "/api/v1/studio/videos", 201, {
      body: await makeVideo("mp4"),
      headers: { "content-type": "video/mp4" },
    });
    await expect(t, coach, "POST", "/api/v1/studio/videos", 415, {
      body: "not a video",
      headers: { "content-type": "video/mp4" },
    });

    // ------------------------------------------------------- auth and tokens
    const start = await call(t, null, "GET", "/api/v1/auth/session");
    const pre = start.res.headers.get("set-cookie")!.split(";")[0];
    const preCsrf = start.body.csrf as string;
    const web = { cookie: pre, "x-csrf-token": preCsrf };
    await expect(t, null, "POST", "/api/v1/auth/login", 400, {
      json: { login: "", password: "" },
      headers: web,
    });
    await expect(t, null, "POST", "/api/v1/auth/login", 200, {
      json: { login: "lena", password: TEST_PASSWORD },
      headers: web,
    });
    await expect(t, null, "POST", "/api/v1/auth/token", 401, {
      json: { login: "lena", password: "wrong-password" },
    });
    const pair = await expect(t, null, "POST", "/api/v1/auth/token", 200, {
      json: { login: "lena", password: TEST_PASSWORD },
    });
    const bearer = { authorization: `Bearer ${pair.accessToken}` };
    await expect(t, null, "GET", `/api/v1/courses/${c.slug}/offline`, 200, { headers: bearer });
    await expect(t, null, "GET", `/api/v1/courses/${c.slug}/offline?version`, 200, {
      headers: bearer,
    });
    await expect(t, null, "GET", `/api/v1/courses/${c.slug}/offline`, 401);
    await expect(t, lena, "GET", "/api/v1/courses/no-such-course/offline", 404);
    const next = await expect(t, null, "POST", "/api/v1/auth/refresh", 200, {
      json: { refreshToken: pair.refreshToken },
    });
    await expect(t, null, "POST", "/api/v1/auth/refresh", 401, {
      json: { refreshToken: pair.refreshToken },
    });
    await expect(t, null, "POST", "/api/v1/auth/logout", 401, {
      headers: { authorization: "Bearer not-a-token" },
    });
    const pair2 = await expect(t, null, "POST", "/api/v1/auth/token", 200, {
      json: { login: "olga", password: TEST_PASSWORD },
    });
    await expect(t, null, "POST", "/api/v1/auth/logout", 200, {
      headers: { authorization: `Bearer ${pair2.accessToken}` },
    });
    assert(next.accessToken, "a refresh gives a new pair");
    const newbie = {
      username: "contract_newbie",
      email: "contract_newbie@example.com",
      password: TEST_PASSWORD,
      passwordRepeat: TEST_PASSWORD,
      consentPersonalData: true,
      consentPrivacyPolicy: true,
    };
    await expect(t, null, "POST", "/api/v1/auth/register", 400, {
      json: { ...newbie, consentPrivacyPolicy: false },
    });
    await expect(t, null, "POST", "/api/v1/auth/register", 201, { json: newbie });
    await expect(t, null, "POST", "/api/v1/auth/password-reset", 202, {
      json: { login: "lena" },
    });
    await expect(t, null, "POST", "/api/v1/auth/password-reset", 400, { json: { login: "" } });
    await expect(t, null, "GET", "/api/v1/openapi.json", 200);

    // ------------------------------------------------------------- coverage
    const missing: string[] = [];
    const paths = doc.paths as Record<string, Record<string, Json>>;
    for (const [path, ops] of Object.entries(paths)) {
      for (const [method, op] of Object.entries(ops)) {
        const got = [...(seen.get(op.operationId as string) ?? [])];
        const label = `${method.toUpperCase()} ${path}`;
        if (!got.some((s) => s < 400)) missing.push(`${label}: no success path`);
        if (MUTATING.has(method.toUpperCase()) && !got.some((s) => s >= 400)) {
          missing.push(`${label}: no error path`);
        }
      }
    }
    assertEquals(problems, []);
    assertEquals(missing, []);
  },
});

/**
 * Route modules under /api/v1 that are not documented here, each with why.
 * Keep it short: a new route documents itself.
 */
const ALLOWLIST: Record<string, string> = {};

Deno.test("every /api/v1 route module documents every method its handler implements", () => {
  const documented = new Map(documentedRoutes(manifest).map((r) => [r.file, r]));
  const problems: string[] = [];
  let checked = 0;
  for (const [file, mod] of Object.entries(manifest.routes)) {
    const parsed = parseRouteFile(file);
    if (!parsed?.pattern?.startsWith("/api/v1/")) continue; // middleware, other areas
    if (file in ALLOWLIST) continue;
    checked++;
    const handler = (mod as { handler?: Record<string, unknown> }).handler ?? {};
    // HEAD answers like GET without a body (OpenAPI 3.1 documents GET).
    const methods = Object.keys(handler).filter((m) => m !== "HEAD");
    const doc = documented.get(file)?.doc;
    if (!doc) {
      problems.push(`${file}: no openapi export`);
      continue;
    }
    for (const m of methods) {
      if (!(m in doc)) problems.push(`${file}: ${m} not documented`);
    }
    for (const m of Object.keys(doc)) {
      if (!methods.includes(m)) problems.push(`${file}: documents ${m}, which it does not answer`);
    }
  }
  assertEquals(problems, []);
  assert(checked > 40, `only ${checked} modules checked`);
});

Deno.test({
  name:
    "what an operation documents as needing a session is refused without one (401, or 403 for a write without CSRF)",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    problems.length = 0;
    await using t = await openTestApp();
    const paths = doc.paths as Record<string, Record<string, Json>>;
    const wrong: string[] = [];
    for (const [template, ops] of Object.entries(paths)) {
      // Any id will do: the session is checked before the thing is looked up.
      const path = template.replace(/\{[^}]+\}/g, "01a24b30-4aa3-74b5-9f0a-1c3af86fc6bd");
      for (const [method, op] of Object.entries(ops)) {
        const auth = op["x-gafus-auth"];
        if (auth === "none" || auth === "optional") continue;
        const m = method.toUpperCase();
        const { status } = await call(t, null, m, path, m === "GET" ? {} : { json: {} });
        if (status !== 401 && status !== 403) {
          wrong.push(`${method.toUpperCase()} ${path}: ${status}`);
        }
      }
    }
    assertEquals(problems, []);
    assertEquals(wrong, []);
  },
});
