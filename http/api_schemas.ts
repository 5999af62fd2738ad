/**
 * The JSON shapes `/api/v1` answers with, as zod schemas for the routes'
 * `openapi` exports (http/api_doc.ts). Each one mirrors the `…Json` function
 * or core/ view the handler returns; the contract test
 * (tests/api/contract_openapi.test.ts) checks real answers against them, so
 * a change on either side without the other fails there.
 */
import { z } from "zod";
import {
  COURSE_ACCESS_KINDS,
  COURSE_LEVELS,
  DAY_TYPES,
  PET_TYPES,
  STEP_TYPES,
} from "@/db/schema.ts";
import { WEEKDAYS } from "@/core/reminders/time.ts";
import { ACHIEVEMENT_CATEGORIES, ACHIEVEMENT_IDS } from "@/core/achievements.ts";
import { apiErrorSchema } from "./openapi.ts";

const iso = z.string().describe("ISO 8601 date-time");
const url = z.string().describe("A path on this site or an absolute URL");
const id = z.string();

export const roleEnum = z.enum(["USER", "TRAINER", "MODERATOR", "ADMIN"]);
export const trainingStatusEnum = z.enum(["NOT_STARTED", "IN_PROGRESS", "COMPLETED", "RESET"]);
export const progressStatusEnum = z.enum(["NOT_STARTED", "IN_PROGRESS", "COMPLETED"]);
export const stepTypeEnum = z.enum(STEP_TYPES as [string, ...string[]]);
export const dayTypeEnum = z.enum(DAY_TYPES as [string, ...string[]]);
export const levelEnum = z.enum(COURSE_LEVELS as [string, ...string[]]);
export const accessEnum = z.enum(COURSE_ACCESS_KINDS as [string, ...string[]]);
export const examStatusEnum = z.enum(["PENDING", "APPROVED", "RETURNED"]);

// ---------------------------------------------------------------- courses

const authorSchema = z.object({
  username: z.string(),
  name: z.string().nullable(),
  avatarUrl: url.nullable(),
});

const courseProgressSchema = z.object({
  status: progressStatusEnum,
  completedDays: z.number().int(),
  totalDays: z.number().int(),
});

/** courseSummaryJson (routes/api/v1/courses/index.ts). */
export const courseSummarySchema = z.object({
  id,
  slug: z.string(),
  name: z.string(),
  shortDescription: z.string(),
  level: levelEnum,
  duration: z.string().nullable(),
  access: accessEnum,
  logoUrl: url.nullable(),
  avgRating: z.number().nullable(),
  reviewCount: z.number().int(),
  dayCount: z.number().int(),
  publishedAt: iso,
  author: authorSchema,
  url,
  favorite: z.boolean().optional().describe("Signed in only"),
  progress: courseProgressSchema.optional().describe("Signed in only"),
});

export const courseOutlineSchema = z.object({
  course: z.object({
    id,
    slug: z.string(),
    name: z.string(),
    shortDescription: z.string(),
    description: z.string(),
    descriptionHtml: z.string(),
    equipment: z.string(),
    level: levelEnum,
    duration: z.string().nullable(),
    access: accessEnum,
    published: z.boolean(),
    logoUrl: url.nullable(),
    avgRating: z.number().nullable(),
    reviewCount: z.number().int(),
    author: authorSchema,
    days: z.array(z.object({
      id,
      title: z.string(),
      type: dayTypeEnum,
      number: z.number().int().nullable(),
      stepCount: z.number().int(),
      minutes: z.record(z.string(), z.number()).describe("Estimated minutes by kind"),
      locked: z.boolean(),
      url: url.nullable(),
      status: trainingStatusEnum.optional().describe("Signed in only"),
    })),
  }),
  favorite: z.boolean().optional(),
  progress: courseProgressSchema.extend({
    startedAt: iso.nullable(),
    completedAt: iso.nullable(),
  }).nullable().optional(),
  next: z.object({ id, url }).nullable().optional(),
});

export const favoriteSchema = z.object({ slug: z.string(), favorite: z.boolean() });

// ---------------------------------------------------------------- reviews

export const reviewSchema = z.object({
  id,
  rating: z.number().int().min(1).max(5),
  comment: z.string().nullable(),
  createdAt: iso,
  updatedAt: iso,
  edited: z.boolean(),
  author: z.object({ username: z.string(), name: z.string().nullable() }),
});

export const reviewPageSchema = z.object({
  reviews: z.array(reviewSchema),
  summary: z.object({
    average: z.number().nullable(),
    count: z.number().int(),
    histogram: z.array(z.number().int()).length(5).describe("Index 0 = one star"),
  }),
  page: z.number().int(),
  pages: z.number().int(),
  mine: reviewSchema.nullable().optional().describe("Signed in only"),
});

// ---------------------------------------------------------- pets, profile

export const petSchema = z.object({
  id,
  name: z.string(),
  type: z.enum(PET_TYPES as [string, ...string[]]),
  breed: z.string().nullable(),
  birthDate: z.string().nullable(),
  heightCm: z.number().nullable(),
  weightKg: z.number().nullable(),
  notes: z.string().nullable(),
  photoUrl: url.nullable(),
  createdAt: iso,
  updatedAt: iso,
});

export const publicPetSchema = petSchema.omit({ createdAt: true, updatedAt: true });

export const profileSchema = z.object({
  username: z.string(),
  role: roleEnum,
  fullName: z.string().nullable(),
  about: z.string().nullable(),
  birthDate: z.string().nullable(),
  telegram: z.string().nullable(),
  instagram: z.string().nullable(),
  website: z.string().nullable(),
  avatarUrl: url.nullable(),
  isPublic: z.boolean(),
  memberSince: iso,
});

// --------------------------------------------------------------- training

/** stepState (core/training/steps.ts). */
export const stepStateSchema = z.object({
  id: z.string().describe("The learner's step row; empty before the first action"),
  status: trainingStatusEnum,
  paused: z.boolean(),
  remainingMs: z.number().nullable(),
  endsAt: iso.nullable(),
  activeSeconds: z.number().int(),
  completedAt: iso.nullable(),
});

export const examResultSchema = z.object({
  id,
  status: examStatusEnum,
  answers: z.record(z.string(), z.number().int()),
  score: z.number().nullable(),
  maxScore: z.number().nullable(),
  percent: z.number().nullable(),
  passed: z.boolean().nullable(),
  written: z.string().nullable(),
  videoUrl: url.nullable(),
  videoRemoved: z.boolean(),
  trainerComment: z.string().nullable(),
  reviewedAt: iso.nullable(),
  submittedAt: iso,
  perQuestion: z.array(z.object({
    id: z.string(),
    correct: z.boolean(),
    comment: z.string().nullable(),
  })),
});

/** actionJson (routes/api/v1/training/(_lib)/respond.ts). */
export const stepActionResultSchema = z.object({
  step: stepStateSchema,
  day: z.object({ status: trainingStatusEnum }).nullable(),
  course: z.object({ status: trainingStatusEnum }).nullable(),
  celebrate: z.enum(["day", "course"]).nullable(),
  entry: z.object({ content: z.string(), updatedAt: iso }).optional()
    .describe("diary only"),
  exam: examResultSchema.optional().describe("exam only"),
});

export const diaryEntrySchema = z.object({
  dayId: id,
  dayOnCourseId: id,
  dayTitle: z.string(),
  position: z.number().int(),
  content: z.string(),
  updatedAt: iso,
});

const dayRefSchema = z.object({
  id,
  title: z.string(),
  number: z.number().int().nullable(),
  url,
});

/** A learner's day (routes/api/v1/training/days/[dayId]/index.ts). */
export const learnerDaySchema = z.object({
  course: z.object({ id, slug: z.string(), name: z.string(), url }),
  day: z.object({
    id: id.describe("The day-on-course id"),
    title: z.string(),
    type: dayTypeEnum,
    number: z.number().int().nullable(),
    description: z.string(),
    descriptionHtml: z.string(),
    equipment: z.string(),
    status: trainingStatusEnum,
    completedElsewhere: z.boolean(),
    locked: z.boolean(),
    daysLeft: z.number().int(),
    done: z.number().int(),
    url,
  }),
  steps: z.array(z.object({
    id: id.describe("The step-on-day id (the action URLs take it)"),
    index: z.number().int(),
    title: z.string(),
    type: stepTypeEnum,
    description: z.string(),
    descriptionHtml: z.string(),
    durationSec: z.number().int().nullable(),
    estimatedSec: z.number().int().nullable(),
    embed: z.discriminatedUnion("kind", [
      z.object({
        kind: z.literal("embed"),
        provider: z.enum(["youtube", "rutube", "vk", "vimeo"]),
        src: z.string(),
        href: z.string(),
      }),
      z.object({ kind: z.literal("link"), href: z.string(), host: z.string() }),
    ]).nullable(),
    video: z.object({ id, poster: url.nullable() }).nullable(),
    images: z.array(url),
    pdfs: z.array(z.object({ url, name: z.string() })),
    checklistItems: z.array(z.string()),
    questions: z.array(z.object({
      id: z.string(),
      question: z.string(),
      options: z.array(z.string()),
    })).describe("Exam questions, without the right answers"),
    requiresVideo: z.boolean(),
    requiresWritten: z.boolean(),
    passPercent: z.number().int(),
    state: stepStateSchema.omit({ id: true, completedAt: true }),
    exam: examResultSchema.nullable(),
    videoStartAt: z.number(),
  })),
  prev: dayRefSchema.nullable(),
  next: dayRefSchema.nullable(),
  diary: z.array(diaryEntrySchema),
});

export const uploadedExamVideoSchema = z.object({
  key: z.string(),
  size: z.number().int(),
  contentType: z.string(),
  url,
});

// -------------------------------------------------------------- reminders

export const reminderViewSchema = z.object({
  id,
  time: z.string().describe("HH:MM, local time"),
  timeMinutes: z.number().int(),
  days: z.array(z.enum(WEEKDAYS)),
  mask: z.number().int(),
  enabled: z.boolean(),
});

// ----------------------------------------------------------- achievements

const courseHistorySchema = z.object({
  courseId: id,
  slug: z.string(),
  name: z.string(),
  status: progressStatusEnum,
  startedAt: iso.nullable(),
  completedAt: iso.nullable(),
  completedDays: z.number().int(),
  totalDays: z.number().int(),
  activeSeconds: z.number(),
});

const calendarDaySchema = z.object({
  date: z.string(),
  count: z.number().int(),
  level: z.number().int().min(0).max(4),
});

export const achievementsSchema = z.object({
  stats: z.object({
    coursesStarted: z.number().int(),
    coursesCompleted: z.number().int(),
    coursesInProgress: z.number().int(),
    daysCompleted: z.number().int(),
    daysTotal: z.number().int(),
    overallProgress: z.number().int(),
    currentStreak: z.number().int(),
    longestStreak: z.number().int(),
    lastActiveDay: z.string().nullable(),
    trainingSeconds: z.number(),
    sameDayCourses: z.number().int(),
    today: z.string(),
  }),
  achievements: z.array(z.object({
    id: z.enum(ACHIEVEMENT_IDS),
    category: z.enum(ACHIEVEMENT_CATEGORIES),
    icon: z.string(),
    current: z.number(),
    target: z.number(),
    percent: z.number().int(),
    unlocked: z.boolean(),
  })),
  calendar: z.object({
    weeks: z.array(z.array(calendarDaySchema.nullable())),
    first: z.string(),
    today: z.string(),
    days: z.number().int(),
    activeDays: z.number().int(),
    steps: z.number().int(),
  }),
  courses: z.array(courseHistorySchema),
  timeZone: z.string(),
});

// ---------------------------------------------------------- notifications

export const notificationPageSchema = z.object({
  items: z.array(z.object({
    id,
    kind: z.string(),
    title: z.string(),
    body: z.string(),
    url: url.nullable(),
    read: z.boolean(),
    createdAt: iso,
  })),
  next: z.string().nullable().describe("The `before` of the next page"),
  unread: z.number().int(),
});

const channels = z.object({ push: z.boolean(), telegram: z.boolean(), email: z.boolean() });

export const notificationChoicesSchema = z.object({
  prefs: z.record(z.string(), channels).describe("Category → channel → on"),
  available: channels,
});

// ----------------------------------------------------------------- studio

export const studioStepSchema = z.object({
  id,
  title: z.string(),
  type: stepTypeEnum,
  description: z.string(),
  durationSec: z.number().int().nullable(),
  estimatedMinutes: z.number().int().nullable(),
  checklistItems: z.array(z.string()),
  videoUrl: z.string().nullable(),
  videoId: z.string().nullable(),
  questionCount: z.number().int(),
  requiresWritten: z.boolean(),
  requiresVideo: z.boolean(),
  authorId: id,
  updatedAt: iso,
});

export const studioStepListItemSchema = z.object({
  id,
  title: z.string(),
  type: stepTypeEnum,
  authorName: z.string(),
  dayCount: z.number().int(),
  updatedAt: iso,
});

export const studioDayListItemSchema = z.object({
  id,
  title: z.string(),
  type: dayTypeEnum,
  authorName: z.string(),
  stepCount: z.number().int(),
  courseCount: z.number().int(),
  updatedAt: iso,
});

/** A step on a studio day; `linkId` is what a reorder sends. */
const dayStepLinkSchema = z.object({
  linkId: id,
  stepId: id,
  title: z.string(),
  type: stepTypeEnum,
});

/** A day on a studio course; `linkId` is what a reorder sends. */
const courseDayLinkSchema = z.object({
  linkId: id,
  dayId: id,
  title: z.string(),
  stepCount: z.number().int(),
});

export const studioDaySchema = z.object({
  id,
  title: z.string(),
  type: dayTypeEnum,
  description: z.string(),
  equipment: z.string(),
  shareProgress: z.boolean(),
  authorId: id,
  authorName: z.string(),
  order: z.array(id),
  steps: z.array(dayStepLinkSchema),
  courses: z.array(z.object({ id, name: z.string(), published: z.boolean() })),
});

export const studioCourseListItemSchema = z.object({
  id,
  name: z.string(),
  slug: z.string(),
  published: z.boolean(),
  access: accessEnum,
  authorName: z.string(),
  dayCount: z.number().int(),
});

export const studioCourseSchema = z.object({
  id,
  name: z.string(),
  slug: z.string(),
  shortDescription: z.string(),
  description: z.string(),
  level: levelEnum,
  duration: z.string().describe("Empty when not given"),
  equipment: z.string(),
  access: accessEnum,
  showInProfile: z.boolean(),
  published: z.boolean(),
  authorId: id,
  authorName: z.string(),
  order: z.array(id),
  days: z.array(courseDayLinkSchema),
});

export const stepMediaSchema = z.object({
  stepId: id,
  images: z.array(z.object({ key: z.string(), url })),
  pdfs: z.array(z.object({ key: z.string(), url, name: z.string() })),
});

export const courseLogoSchema = z.object({
  courseId: id,
  logoKey: z.string().nullable(),
  logoUrl: url.nullable(),
});

export const videoSchema = z.object({
  id,
  title: z.string(),
  status: z.enum(["PENDING", "PROCESSING", "READY", "FAILED"]),
  progress: z.number(),
  error: z.string().nullable(),
  durationSec: z.number().nullable(),
  width: z.number().int().nullable(),
  height: z.number().int().nullable(),
  renditions: z.array(z.string()),
  createdAt: iso,
});

// -------------------------------------------------------------------- ops

export const jobStatsSchema = z.object({
  at: iso,
  queues: z.array(z.object({
    queue: z.string(),
    concurrency: z.number().int(),
    paused: z.boolean(),
    counts: z.record(z.string(), z.number().int()),
    latencyMs: z.number(),
    doneLastHour: z.number().int(),
    failedLastHour: z.number().int(),
    stalled: z.number().int(),
    running: z.number().int(),
  })),
  totals: z.record(z.string(), z.number().int()),
});

// ----------------------------------------------------------------- errors

const ERROR_TEXT: Record<number, string> = {
  400: "Invalid input (`fields` names each problem)",
  401: "Not signed in",
  403: "Not allowed, or the CSRF token is missing",
  404: "Not found, or not the caller's to see",
  409: "Conflicts with the current state",
  413: "Too large",
  415: "Unsupported media type",
  422: "Unprocessable content",
  429: "Too many requests",
  503: "Not configured on this server",
};

/** The documented error answers (`apiErrorSchema` bodies) for these statuses. */
export function errorResponses(
  ...statuses: number[]
): Record<number, { description: string; schema: typeof apiErrorSchema }> {
  return Object.fromEntries(
    statuses.map((s) => [s, { description: ERROR_TEXT[s] ?? "Error", schema: apiErrorSchema }]),
  );
}
