/**
 * Every app URL, built in one place, so a route's address is spelled once
 * and a link cannot drift from the route it points to. Relative paths only,
 * except `absoluteUrl`, which prefixes `PUBLIC_URL` (share links, canonical
 * and Open Graph addresses, e-mails, push). Islands import it too: keep it
 * free of anything that does not run in a browser (type imports only).
 */
import type { Config } from "@/platform/config.ts";
import type { StepAction } from "./training/actions.ts";

const seg = encodeURIComponent;

/**
 * `PUBLIC_URL` + an app path: the address to give to the outside world. Never
 * built from the request: its Host header is whatever the client sent.
 */
export function absoluteUrl(config: Pick<Config, "publicUrl">, path: string): string {
  return config.publicUrl + (path.startsWith("/") ? path : `/${path}`);
}

/** The catalogue, with an optional query string (`?tab=…`, from `filtersToSearch`). */
export function cataloguePath(search = ""): string {
  return `/courses${search}`;
}

export function coursePath(slug: string): string {
  return `/courses/${seg(slug)}`;
}

export function reviewsPath(slug: string): string {
  return `${coursePath(slug)}/reviews`;
}

/**
 * A personalised course's form for the learner's values, coming back to
 * `next` (a path on this site, checked where it is read) after saving.
 */
export function personalisePath(slug: string, next?: string): string {
  return `${coursePath(slug)}/personalise${next ? `?next=${seg(next)}` : ""}`;
}

/** Day URL inside the learner app. */
export function dayPath(slug: string, dayOnCourseId: string): string {
  return `${coursePath(slug)}/days/${seg(dayOnCourseId)}`;
}

/** A step on its day page: the day with the step's anchor. */
export function stepPath(slug: string, dayOnCourseId: string, stepOnDayId: string): string {
  return `${dayPath(slug, dayOnCourseId)}#step-${seg(stepOnDayId)}`;
}

/** The app URL of a stored file (`/media/<key>`, which checks who may see it). */
export function mediaPath(key: string): string {
  return `/media/${key.split("/").map(seg).join("/")}`;
}

/** A legal page (privacy, terms, consent): the register form and the footer link here. */
export function legalPath(slug: string): string {
  return `/legal/${seg(slug)}`;
}

/** The admin's editor of a legal page, in one language. */
export function legalEditPath(slug: string, locale?: string): string {
  return `/ops/legal/${seg(slug)}${locale ? `?locale=${seg(locale)}` : ""}`;
}

/** A user's public profile. */
export function profilePath(username: string): string {
  return `/u/${seg(username)}`;
}

export function petPath(petId: string): string {
  return `/profile/pets/${seg(petId)}`;
}

export function notificationPath(id: string): string {
  return `/notifications/${seg(id)}`;
}

/** The notification choices on the settings page (after a save: `done`). */
export function notificationSettingsPath(done?: string): string {
  return `/settings${done ? `?done=${seg(done)}` : ""}#h-notifications`;
}

/** The operators' error group and queue pages (links in alerts). */
export function opsErrorGroupPath(id: string): string {
  return `/ops/errors/${seg(id)}`;
}

export function opsQueuesPath(queue?: string): string {
  return queue ? `/ops/queues/${seg(queue)}` : "/ops/queues";
}

export function passwordResetPath(token: string): string {
  return `/password-reset/${seg(token)}`;
}

/** The link in the mail that confirms a new address: GET shows a button, POST applies. */
export function emailChangePath(token: string): string {
  return `/email-change/${seg(token)}`;
}

/** Settings, optionally with the notice of what was just done (`?done=`) and a section anchor. */
export function settingsPath(done?: string, anchor?: string): string {
  return `/settings${done ? `?done=${seg(done)}` : ""}${anchor ? `#${seg(anchor)}` : ""}`;
}

/**
 * A campaign message's one-click unsubscribe page (GET confirms, POST
 * unsubscribes; RFC 8058). Give it out with `absoluteUrl`.
 */
export function unsubscribePath(token: string): string {
  return `/unsubscribe/${seg(token)}`;
}

/** A tracked link of a campaign message: records the click and redirects (the target stays hidden). */
export function clickPath(token: string): string {
  return `/r/${seg(token)}`;
}

/** Re-engagement campaign figures on the ops console. */
export function opsCampaignsPath(): string {
  return "/ops/campaigns";
}

/** The sign-in page, coming back to `next` (a path on this site) afterwards. */
export function loginPath(next?: string): string {
  return next ? `/login?next=${seg(next)}` : "/login";
}

/** `PUT`/`DELETE` stars and unstars a course. */
export function favoriteApiPath(slug: string): string {
  return `/api/v1/courses/${seg(slug)}/favorite`;
}

/**
 * A learner step in the JSON API, addressed by where it is (the learner is
 * the signed-in user): its state, one of the step actions, or the exam
 * video upload (`/api/v1/training/days/<dayOnCourseId>/steps/<stepOnDayId>[/<action>]`).
 */
export function stepApiPath(
  dayOnCourseId: string,
  stepOnDayId: string,
  action?: StepAction | "video",
): string {
  return `/api/v1/training/days/${seg(dayOnCourseId)}/steps/${seg(stepOnDayId)}` +
    (action ? `/${action}` : "");
}

/** A learner's day in the JSON API: its steps with the learner's state. */
export function dayApiPath(slug: string, dayOnCourseId: string): string {
  return `/api/v1/courses/${seg(slug)}/days/${seg(dayOnCourseId)}`;
}

/** The learner's diary entries of a course in the JSON API. */
export function diaryApiPath(slug: string): string {
  return `/api/v1/courses/${seg(slug)}/diary`;
}

/** The learner's training reminders in the JSON API (one of them with `id`). */
export function remindersApiPath(id?: string): string {
  return id ? `/api/v1/reminders/${seg(id)}` : "/api/v1/reminders";
}

/** The learner's achievements in the JSON API. */
export function achievementsApiPath(): string {
  return "/api/v1/achievements";
}

// ------------------------------------------------------------------ studio

/** The trainer studio's home (a menu of its sections). */
export function studioPath(): string {
  return "/studio";
}

/** The studio's list of steps, with an optional query (`q`, `sort`). */
export function studioStepsPath(query: { q?: string; sort?: string } = {}): string {
  const p = new URLSearchParams();
  if (query.q) p.set("q", query.q);
  if (query.sort && query.sort !== "updated") p.set("sort", query.sort);
  const s = p.toString();
  return `/studio/steps${s ? `?${s}` : ""}`;
}

export function studioNewStepPath(): string {
  return "/studio/steps/new";
}

/** A step's editor (GET), its save, preview and delete (POST with `_action`). */
export function studioStepPath(id: string): string {
  return `/studio/steps/${seg(id)}`;
}

/**
 * A step's or day's editor with its query: `from` (the course the trainer
 * came from, so "where else used" can name the others) and `done` (what was
 * just done, after a redirect).
 */
function editorQuery(path: string, query: { from?: string | null; done?: string | null }) {
  const p = new URLSearchParams();
  if (query.done) p.set("done", query.done);
  if (query.from) p.set("from", query.from);
  const s = p.toString();
  return s ? `${path}?${s}` : path;
}

export function studioStepEditPath(
  id: string,
  query: { from?: string | null; done?: string | null } = {},
): string {
  return editorQuery(studioStepPath(id), query);
}

export function studioDayEditPath(
  id: string,
  query: { from?: string | null; done?: string | null } = {},
): string {
  return editorQuery(`/studio/days/${seg(id)}`, query);
}

/** `POST` `{markdown}` → `{html}`: the step editor's live preview. */
export function studioPreviewApiPath(): string {
  return "/api/v1/studio/preview";
}

/** The studio API's steps: `GET` the list (`q`, `sort`), `POST` a new one. */
export function studioStepsApiPath(): string {
  return "/api/v1/studio/steps";
}

/** The studio API's step: `GET`, `PATCH`, `DELETE`. */
export function studioStepApiPath(id: string): string {
  return `/api/v1/studio/steps/${seg(id)}`;
}

/** The studio API's days (`GET`). */
export function studioDaysApiPath(): string {
  return "/api/v1/studio/days";
}

/** The studio API's day (`GET`), or `PUT` the whole order of its steps (`order`). */
export function studioDayApiPath(id: string, part?: "order"): string {
  return `/api/v1/studio/days/${seg(id)}${part ? `/${part}` : ""}`;
}

/** The studio API's courses (`GET`). */
export function studioCoursesApiPath(): string {
  return "/api/v1/studio/courses";
}

/** The studio API's course (`GET`), `PUT` the order of its days, or `POST` publish. */
export function studioCourseApiPath(id: string, part?: "order" | "publish"): string {
  return `/api/v1/studio/courses/${seg(id)}${part ? `/${part}` : ""}`;
}

/** The studio's template library, with an optional search (`q`) and category filter. */
export function studioTemplatesPath(query: { q?: string; category?: string } = {}): string {
  const p = new URLSearchParams();
  if (query.q) p.set("q", query.q);
  if (query.category) p.set("category", query.category);
  const s = p.toString();
  return `/studio/templates${s ? `?${s}` : ""}`;
}

/** One template's preview (its "use" and "remove" buttons post here). */
export function studioTemplatePath(id: string): string {
  return `/studio/templates/${seg(id)}`;
}

/** "Save as template" for a step (the form posts here; errors come back on this page). */
export function studioSaveTemplatePath(stepId: string): string {
  return `/studio/templates/new?step=${seg(stepId)}`;
}

/** The template categories (ADMIN). */
export function studioTemplateCategoriesPath(): string {
  return "/studio/templates/categories";
}

/** The studio's queue of exam submissions, with an optional query string (`?status=…`). */
export function studioExamsPath(search = ""): string {
  return `/studio/exams${search}`;
}

/** One exam submission in the studio (its review form posts here too). */
export function studioExamPath(examId: string): string {
  return `/studio/exams/${seg(examId)}`;
}

/** The studio's list of days. */
export function studioDaysPath(): string {
  return "/studio/days";
}

export function studioNewDayPath(): string {
  return "/studio/days/new";
}

/** A day's editor (GET), its save and step list changes (POST with `_action`). */
export function studioDayPath(id: string): string {
  return `/studio/days/${seg(id)}`;
}

/** The studio's list of courses. */
export function studioCoursesPath(): string {
  return "/studio/courses";
}

export function studioNewCoursePath(): string {
  return "/studio/courses/new";
}

/** A course's editor (GET), its save, day list changes and publishing (POST with `_action`). */
export function studioCoursePath(id: string): string {
  return `/studio/courses/${seg(id)}`;
}

/** Delete or archive a day (GET: the confirmation; POST `_action=delete|archive`). */
export function studioRemoveDayPath(id: string): string {
  return `/studio/days/${seg(id)}/remove`;
}

/** Delete or archive a course (GET: the confirmation; POST `_action=delete|archive`). */
export function studioRemoveCoursePath(id: string): string {
  return `/studio/courses/${seg(id)}/remove`;
}

/** Archived days and courses, with "restore" (POST `_action=unarchive`, `kind`, `id`). */
export function studioArchivePath(): string {
  return "/studio/archive";
}

/** The studio's list of courses whose private access the trainer manages. */
export function studioAccessPath(): string {
  return "/studio/access";
}

/** Who may open a course (grant, revoke, search users with `?q=`); its forms post here. */
export function studioCourseAccessPath(courseId: string, query: { q?: string } = {}): string {
  const q = query.q ? `?${new URLSearchParams({ q: query.q })}` : "";
  return `/studio/courses/${seg(courseId)}/access${q}`;
}

/**
 * A step's images and PDFs: the no-JS forms post here (uploads with
 * `?kind=image|pdf`); GET shows them alone (a refused upload, a removal to
 * confirm with `?remove=<key>&kind=`).
 */
export function studioStepMediaPath(
  stepId: string,
  query: { kind?: string; remove?: string } = {},
): string {
  const q = new URLSearchParams(
    Object.entries(query).filter((e): e is [string, string] => !!e[1]),
  ).toString();
  return `/studio/steps/${seg(stepId)}/media${q ? `?${q}` : ""}`;
}

/** The JSON upload of a step's files (`?kind=image|pdf`), for the progress island. */
export function studioStepMediaApiPath(stepId: string, kind: string): string {
  return `/api/v1/studio/steps/${seg(stepId)}/media?kind=${seg(kind)}`;
}

/** A course's logo: upload, replace, remove (no-JS forms; GET shows it alone). */
export function studioCourseLogoPath(courseId: string): string {
  return `/studio/courses/${seg(courseId)}/logo`;
}

/** The JSON upload (POST) and removal (DELETE) of a course's logo. */
export function studioCourseLogoApiPath(courseId: string): string {
  return `/api/v1/studio/courses/${seg(courseId)}/logo`;
}

/** The trainer's notes about their learners. */
export function studioNotesPath(): string {
  return "/studio/notes";
}

export function studioNewNotePath(): string {
  return "/studio/notes/new";
}

/** One note: its entries, and the forms that change it (POST with `_action`). */
export function studioNotePath(noteId: string): string {
  return `/studio/notes/${seg(noteId)}`;
}

/** The studio's statistics: the trainer's courses with headline numbers. */
export function studioStatsPath(): string {
  return "/studio/stats";
}

/** A course's statistics, with its learner list's search (`q`) and page. */
export function studioCourseStatsPath(
  courseId: string,
  query: { q?: string; page?: number } = {},
): string {
  const p = new URLSearchParams();
  if (query.q) p.set("q", query.q);
  if (query.page && query.page > 1) p.set("page", String(query.page));
  const s = p.toString();
  return `/studio/courses/${seg(courseId)}/stats${s ? `?${s}` : ""}`;
}

/** A course's learner progress as CSV (one row per learner). */
export function studioCourseStatsCsvPath(courseId: string): string {
  return `/studio/courses/${seg(courseId)}/stats.csv`;
}

/** One learner's progress on a course (and their diary where they share it). */
export function studioLearnerPath(courseId: string, userId: string): string {
  return `/studio/courses/${seg(courseId)}/learners/${seg(userId)}`;
}

/** `POST`: the learner shows or hides their diary to the course's trainer. */
export function diarySharingPath(slug: string): string {
  return `${coursePath(slug)}/diary-sharing`;
}

// ------------------------------------------------ protected video playback

/** A video's playback API root (every file below it needs the viewer's token). */
export function videoApiPath(videoId: string): string {
  return `/api/v1/videos/${seg(videoId)}`;
}

/** The master playlist, signed for one viewer (`t`: the master token). */
export function videoMasterPath(videoId: string, token: string): string {
  return `${videoApiPath(videoId)}/master.m3u8?t=${seg(token)}`;
}

/** A rendition playlist or a segment (`file`), with a short-lived token. */
export function videoHlsFilePath(
  videoId: string,
  rendition: string,
  file: string,
  token: string,
): string {
  return `${videoApiPath(videoId)}/hls/${seg(rendition)}/${seg(file)}?t=${seg(token)}`;
}

/** The AES-128 content key (checked against course access on every request). */
export function videoKeyPath(videoId: string, token: string): string {
  return `${videoApiPath(videoId)}/key?t=${seg(token)}`;
}

/**
 * The offline copy of a video (a kept course): its lowest rendition's
 * playlist, whose segment and key URIs are the stable paths below. No token:
 * the session and the viewer's access are checked on every request, so the
 * URLs stay the same for as long as the copy is kept.
 */
export function videoOfflinePlaylistPath(videoId: string): string {
  return `${videoApiPath(videoId)}/offline/playlist.m3u8`;
}

/** One segment of the offline rendition. */
export function videoOfflineFilePath(videoId: string, rendition: string, file: string): string {
  return `${videoApiPath(videoId)}/offline/${seg(rendition)}/${seg(file)}`;
}

/** The content key of the offline copy (kept only while the viewer's access lasts). */
export function videoOfflineKeyPath(videoId: string): string {
  return `${videoApiPath(videoId)}/offline/key`;
}

/** POST: a fresh signed master playlist URL for the signed-in viewer. */
export function videoSessionPath(videoId: string): string {
  return `${videoApiPath(videoId)}/session`;
}

/** POST `{ position }`: the viewer's resume position (JSON, or a beacon with `_csrf`). */
export function videoProgressPath(videoId: string, csrf?: string): string {
  return `${videoApiPath(videoId)}/progress${csrf ? `?_csrf=${seg(csrf)}` : ""}`;
}

/** A video's poster or list thumbnail, for whoever may watch the video. */
export function videoImagePath(videoId: string, kind: "poster" | "thumb"): string {
  return `${videoApiPath(videoId)}/image/${kind}`;
}

/** The studio's video library (upload form, list), with an optional notice (`done`). */
export function studioVideosPath(done?: string): string {
  return `/studio/videos${done ? `?done=${seg(done)}` : ""}`;
}

/** One video in the library: its page; rename and retry post here (`_action`). */
export function studioVideoPath(id: string, done?: string): string {
  return `/studio/videos/${seg(id)}${done ? `?done=${seg(done)}` : ""}`;
}

/** Delete a video (GET: the confirmation, or what still uses it; POST: delete). */
export function studioDeleteVideoPath(id: string): string {
  return `/studio/videos/${seg(id)}/delete`;
}

/** A video's list thumbnail, for its owner and staff. */
export function studioVideoThumbPath(id: string): string {
  return `/studio/videos/${seg(id)}/thumb`;
}

/** The studio API's videos: `POST` uploads, `GET` lists them (`?ids=a,b` for the live status). */
export function studioVideosApiPath(ids?: readonly string[]): string {
  return `/api/v1/studio/videos${ids?.length ? `?ids=${ids.map(seg).join(",")}` : ""}`;
}

/** The reminders section of the settings page (the bot links here). */
export function remindersSettingsPath(): string {
  return "/settings#reminders";
}

/** Where the reminder forms post (and show themselves again after an error). */
export function remindersFormPath(): string {
  return "/settings/reminders";
}

/** The Telegram section's form target (connect, unlink). */
export function settingsTelegramPath(): string {
  return "/settings/telegram";
}

/** Where Telegram delivers updates in webhook mode. */
export function telegramWebhookPath(): string {
  return "/api/telegram/webhook";
}

/** The readable API documentation (a page built from the OpenAPI document). */
export function apiDocsPath(): string {
  return "/api/docs";
}

/** The OpenAPI 3.1 document of `/api/v1`. */
export function openApiDocumentPath(): string {
  return "/api/v1/openapi.json";
}

// ------------------------------------------------------- the admin's console

/** The users list, with its search and filters (`q`, `role`, `state`, `telegram`, `offset`). */
export function opsUsersPath(query: Record<string, string | number | undefined> = {}): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v !== undefined && v !== "" && v !== 0) p.set(k, String(v));
  }
  const s = p.toString();
  return `/ops/users${s ? `?${s}` : ""}`;
}

/** One user's page; its action forms post here (`_action`); `done` names what was just done. */
export function opsUserPath(id: string, done?: string): string {
  return `/ops/users/${seg(id)}${done ? `?done=${seg(done)}` : ""}`;
}

/** Deleting a user: GET asks for confirmation, POST deletes. */
export function opsUserDeletePath(id: string): string {
  return `/ops/users/${seg(id)}/delete`;
}

/** The audit log, newest first (`offset` pages). */
export function opsAuditPath(offset = 0): string {
  return `/ops/audit${offset ? `?offset=${offset}` : ""}`;
}

/** The whole audit log as CSV. */
export function opsAuditCsvPath(): string {
  return "/ops/audit.csv";
}

/** Broadcasts: the list and the form of a new one (POST makes a draft). */
export function opsBroadcastsPath(): string {
  return "/ops/broadcasts";
}

/** One broadcast: preview and confirmation while a draft, progress after. */
export function opsBroadcastPath(id: string): string {
  return `/ops/broadcasts/${seg(id)}`;
}

/** POST: the signed-in user's own data as one zip archive. */
export function settingsDataExportPath(): string {
  return "/settings/data-export";
}

/** The service worker of one release (a new release is a new URL, so the browser updates it). */
export function serviceWorkerPath(release: string): string {
  return `/sw.js?v=${seg(release)}`;
}

/** The app shell the service worker precaches (JSON: release and URLs). */
export function precachePath(release?: string): string {
  return `/sw-precache.json${release ? `?v=${seg(release)}` : ""}`;
}

/** What works without a connection: the kept courses (the service worker's fallback page). */
export function offlinePath(): string {
  return "/offline";
}

/** A course's offline bundle: every URL to keep, their sizes and the bundle's version. */
export function offlineBundlePath(slug: string): string {
  return `/api/v1/courses/${seg(slug)}/offline`;
}
