/**
 * The learner's video in Chromium: the day page shows the poster button;
 * pressing it loads hls.js, fetches the per-user playlists, the AES key and
 * the encrypted segments, and the `<video>` plays. Leaving the page at about
 * 3 s saves the position (beacon); back on the day, playback resumes there.
 */
import { assert, assertEquals } from "../helpers/assert.ts";
import { openBrowserEnv } from "../helpers/browser.ts";
import { signIn } from "../helpers/session.ts";
import { SESSION_COOKIE } from "@/http/session.ts";
import { type CourseFixture, dayUrl, makeCourse } from "../training/helpers.ts";
import { addReadyVideo, useVideoInStep } from "../video/play_helpers.ts";

/**
 * Chromium (156 on Debian) plays HLS natively, AES-128 included; the
 * hls.js path (every other browser without native HLS) is forced by hiding
 * that support, so both are tested.
 */
async function playAndResume(withHlsJs: boolean) {
  let course!: CourseFixture;
  let cookie = "";
  let videoId = "";
  let userId = "";
  await using env = await openBrowserEnv(async (t) => {
    course = await makeCourse(t, {
      access: "PRIVATE",
      days: [{ steps: [{ type: "THEORY", title: "Смотрим видео" }] }],
    });
    const learner = await signIn(t, "viewer");
    userId = learner.id;
    await t.services.db.insertInto("course_access")
      .values({ course_id: course.courseId, user_id: learner.id }).execute();
    ({ videoId } = await addReadyVideo(t, course.authorId, { durationSec: 10 }));
    await useVideoInStep(t, course.days[0].stepIds[0], videoId);
    cookie = learner.cookie.slice(SESSION_COOKIE.length + 1);
  });
  const { page, origin, t } = env;
  await page.context().addCookies([{ name: SESSION_COOKIE, value: cookie, url: origin }]);
  if (withHlsJs) {
    await page.addInitScript(() => {
      const can = HTMLMediaElement.prototype.canPlayType;
      HTMLMediaElement.prototype.canPlayType = function (type: string) {
        return /mpegurl/i.test(type) ? "" : can.call(this, type);
      };
    });
  }
  const requests: string[] = [];
  page.on("request", (r) => requests.push(new URL(r.url()).pathname));

  await page.goto(origin + dayUrl(course));
  assert(
    !requests.some((p) => p.includes("/api/v1/videos/") && !p.endsWith("/image/poster")),
    "only the poster is fetched before play",
  );
  const jsBefore = requests.filter((p) => p.startsWith("/_fresh/js/")).length;
  await page.getByRole("button", { name: "Смотреть видео «Смотрим видео»" }).click();
  const video = page.locator("video");
  await video.waitFor();
  const mse = await video.evaluate((v: HTMLVideoElement) =>
    v.canPlayType("application/vnd.apple.mpegurl") === ""
  );
  await page.waitForFunction(
    () => {
      const v = document.querySelector("video");
      return !!v && !v.paused && v.readyState >= 3 && v.currentTime >= 3;
    },
    undefined,
    { timeout: 30_000 },
  );
  assertEquals(mse, withHlsJs);
  if (withHlsJs) {
    await page.getByLabel("Качество").selectOption({ label: "240p" });
    assert(
      requests.filter((p) => p.startsWith("/_fresh/js/")).length > jsBefore,
      "hls.js came as a separate chunk on play",
    );
  }
  assert(requests.some((p) => p.endsWith("/key")), "the key was fetched from the app");
  assert(requests.some((p) => /\/hls\/\w+\/seg_\d+\.ts$/.test(p)), "segments came through the app");

  // Leave the page: the beacon saves the position.
  await page.goto(origin + "/");
  let saved = -1;
  for (let i = 0; i < 50 && saved < 0; i++) {
    const row = await t.services.db.selectFrom("video_progress").select("position_sec")
      .where("user_id", "=", userId).where("video_id", "=", videoId).executeTakeFirst();
    if (row && row.position_sec >= 3) saved = row.position_sec;
    else await new Promise((r) => setTimeout(r, 100));
  }
  assert(saved >= 3 && saved <= 5, `saved position ${saved}`);

  await page.goto(origin + dayUrl(course));
  await page.getByRole("button", { name: "Смотреть видео «Смотрим видео»" }).click();
  const first = await page.waitForFunction(
    () => {
      const v = document.querySelector("video");
      return !!v && !v.paused && v.readyState >= 3 && v.currentTime > 0 ? v.currentTime : null;
    },
    undefined,
    { timeout: 30_000 },
  );
  const at = await first.jsonValue() as number;
  assert(at >= saved - 0.5 && at < saved + 2, `resumed at ${at}, saved ${saved}`);
  assertEquals(env.consoleErrors, []);
}

Deno.test("browser (hls.js): a learner plays the step's video, leaves at ~3 s and resumes there", () =>
  playAndResume(true));

Deno.test("browser (native HLS): the same video plays and resumes", () => playAndResume(false));
