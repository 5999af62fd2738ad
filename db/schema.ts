/**
 * The kysely `Database` type: one interface per table of
 * db/migrations/0001_core.ts, in the JS types both drivers return
 * (see db/connection.ts):
 *
 * - `timestamptz` → `Date`
 * - `date` → `string` `YYYY-MM-DD` (never a Date: no time-zone shifts)
 * - `bigint` (int8, `count(*)`, `sum(int4)`) → `number`
 * - `numeric` (e.g. `avg(int4)`, `sum(int8)`) → `string`
 * - `jsonb` → the parsed value; write with `json(value)` from db/connection.ts
 *
 * Ids are text (UUIDv7 from `newId()`); every insert passes its id.
 */
import type { ColumnType, Expression, Generated, Insertable, Selectable, Updateable } from "kysely";

// ------------------------------------------------------------------- enums

export type Role = "USER" | "TRAINER" | "MODERATOR" | "ADMIN";
export const ROLES: readonly Role[] = ["USER", "TRAINER", "MODERATOR", "ADMIN"];

export type Locale = "ru" | "en";
export const LOCALES: readonly Locale[] = ["ru", "en"];

export type ConsentType = "PERSONAL_DATA" | "PRIVACY_POLICY" | "PUBLIC_PROFILE";
export const CONSENT_TYPES: readonly ConsentType[] = [
  "PERSONAL_DATA",
  "PRIVACY_POLICY",
  "PUBLIC_PROFILE",
];

export type PetType = "DOG" | "CAT";
export const PET_TYPES: readonly PetType[] = ["DOG", "CAT"];

export type CourseLevel = "BEGINNER" | "INTERMEDIATE" | "ADVANCED" | "EXPERT";
export const COURSE_LEVELS: readonly CourseLevel[] = [
  "BEGINNER",
  "INTERMEDIATE",
  "ADVANCED",
  "EXPERT",
];

export type CourseAccessKind = "PUBLIC" | "PRIVATE";
export const COURSE_ACCESS_KINDS: readonly CourseAccessKind[] = ["PUBLIC", "PRIVATE"];

export type DayType = "regular" | "introduction" | "instructions" | "diagnostics" | "summary";
export const DAY_TYPES: readonly DayType[] = [
  "regular",
  "introduction",
  "instructions",
  "diagnostics",
  "summary",
];

export type StepType = "TRAINING" | "BREAK" | "THEORY" | "PRACTICE" | "DIARY" | "EXAMINATION";
export const STEP_TYPES: readonly StepType[] = [
  "TRAINING",
  "BREAK",
  "THEORY",
  "PRACTICE",
  "DIARY",
  "EXAMINATION",
];
/** Step types with a countdown timer: `duration_sec` is required (1..6000) for these only. */
export const TIMER_STEP_TYPES: readonly StepType[] = ["TRAINING", "BREAK"];

export type TrainingStatus = "NOT_STARTED" | "IN_PROGRESS" | "COMPLETED" | "RESET";
export const TRAINING_STATUSES: readonly TrainingStatus[] = [
  "NOT_STARTED",
  "IN_PROGRESS",
  "COMPLETED",
  "RESET",
];

export type ExamStatus = "PENDING" | "APPROVED" | "RETURNED";
export const EXAM_STATUSES: readonly ExamStatus[] = ["PENDING", "APPROVED", "RETURNED"];

/** The review copy of an exam video: waiting for its job, made, or failed. */
export type ExamVideoReviewStatus = "PENDING" | "READY" | "FAILED";

export type ExamVideoDeleteReason =
  | "replaced"
  | "auto_cleanup_approved"
  | "auto_cleanup_pending"
  | "moderation";

export type VideoStatus = "PENDING" | "PROCESSING" | "READY" | "FAILED";
export const VIDEO_STATUSES: readonly VideoStatus[] = ["PENDING", "PROCESSING", "READY", "FAILED"];

export type ReengagementStatus = "ACTIVE" | "RETURNED" | "FINISHED" | "UNSUBSCRIBED";
export const REENGAGEMENT_END_REASONS = [
  "returned",
  "finished",
  "unsubscribed",
  "opted_out",
  "disabled",
] as const;
export type ReengagementEndReason = typeof REENGAGEMENT_END_REASONS[number];

export type ErrorSource = "server" | "client" | "job" | "cron" | "bot";
export const ERROR_SOURCES: readonly ErrorSource[] = ["server", "client", "job", "cron", "bot"];

export type ErrorGroupStatus = "new" | "resolved" | "ignored" | "regressed";
export const ERROR_GROUP_STATUSES: readonly ErrorGroupStatus[] = [
  "new",
  "resolved",
  "ignored",
  "regressed",
];

// ------------------------------------------------------------- json shapes

/** A JSON value as `jsonb` returns it. */
export type JsonValue =
  | string
  | number
  | boolean
  | null
  | JsonValue[]
  | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** One test question of an EXAMINATION step (`steps.checklist`). Single choice. */
export interface ChecklistQuestion {
  id: string;
  question: string;
  /** At least two. */
  options: string[];
  /** Index into `options`. */
  correctIndex: number;
  /** Shown after answering (≤500 chars). */
  comment?: string;
}

/** A PDF attached to a step (`steps.pdfs`). */
export interface PdfRef {
  key: string;
  name: string;
}

/** One HLS rendition of a transcoded video (`videos.renditions`). */
export interface VideoRendition {
  /** e.g. "720p" */
  name: string;
  width: number;
  height: number;
  /** Peak bits per second, as in the master playlist. */
  bandwidth: number;
  /** Playlist path relative to `hls_prefix`. */
  playlist: string;
}

/** `exam_results.test_answers`: question id → chosen option index. */
export type TestAnswers = Record<string, number>;

// ------------------------------------------------------------ column kinds

/** `timestamptz NOT NULL DEFAULT now()`: optional on insert. */
type CreatedAt = Generated<Date>;
/** `updated_at`: the trigger stamps it; set it only to force a value. */
type UpdatedAt = Generated<Date>;
/** `date`: the string YYYY-MM-DD. */
export type DateString = string;
/**
 * `jsonb`: reads as `T`; writes take `json(value)` (an `Expression<T>`, the
 * recommended form) or the plain value.
 */
type Json<T> = ColumnType<T, T | Expression<T>, T | Expression<T>>;
/** `jsonb NOT NULL DEFAULT …`: optional on insert. */
type JsonDefault<T> = ColumnType<T, T | Expression<T> | undefined, T | Expression<T>>;
/** `text NOT NULL DEFAULT …` and friends. */
type Default<T> = Generated<T>;

// ------------------------------------------------------------------ tables

export interface AppMetaTable {
  key: string;
  value: Json<JsonValue>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface UsersTable {
  id: string;
  username: string;
  email: string | null;
  password_hash: string;
  role: Default<Role>;
  locale: Default<Locale>;
  time_zone: Default<string>;
  telegram_chat_id: number | null;
  session_version: Default<number>;
  disabled_at: Date | null;
  last_login_at: Date | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface UserProfilesTable {
  user_id: string;
  full_name: string | null;
  about: string | null;
  birth_date: DateString | null;
  telegram: string | null;
  instagram: string | null;
  website: string | null;
  avatar_key: string | null;
  is_public: Default<boolean>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface ConsentsTable {
  id: string;
  user_id: string;
  type: ConsentType;
  version: string;
  accepted_at: CreatedAt;
  ip: string | null;
  user_agent: string | null;
}

export interface PasswordResetTokensTable {
  id: string;
  user_id: string;
  token_hash: string;
  expires_at: Date;
  used_at: Date | null;
  created_at: CreatedAt;
}

/** One refresh token of the token API (migration 0021; core/auth/tokens.ts). */
export interface RefreshTokensTable {
  id: string;
  user_id: string;
  /** Every token issued from one login shares it; reuse revokes them all. */
  family_id: string;
  /** SHA-256 (hex) of the token. */
  token_hash: string;
  /** The user's session version at login. */
  session_version: number;
  expires_at: Date;
  /** Set when the token was exchanged (one use each). */
  used_at: Date | null;
  revoked_at: Date | null;
  created_at: CreatedAt;
  user_agent: string | null;
}

/** A pending change of address (migration 0017; core/auth/email_change.ts). */
export interface EmailChangeTokensTable {
  id: string;
  user_id: string;
  /** Lower-cased, as users.email is stored. */
  new_email: string;
  token_hash: string;
  expires_at: Date;
  used_at: Date | null;
  created_at: CreatedAt;
}

export interface TelegramLinkTokensTable {
  id: string;
  user_id: string;
  token_hash: string;
  expires_at: Date;
  used_at: Date | null;
  created_at: CreatedAt;
}

export interface PetsTable {
  id: string;
  owner_id: string;
  name: string;
  type: Default<PetType>;
  breed: string | null;
  birth_date: DateString | null;
  height_cm: number | null;
  weight_kg: number | null;
  notes: string | null;
  photo_key: string | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface VideosTable {
  id: string;
  owner_id: string;
  original_name: string;
  display_name: string | null;
  mime_type: string;
  size_bytes: number;
  duration_sec: number | null;
  width: number | null;
  height: number | null;
  status: Default<VideoStatus>;
  progress: Default<number>;
  error: string | null;
  source_key: string | null;
  hls_prefix: string | null;
  renditions: JsonDefault<VideoRendition[]>;
  thumbnail_key: string | null;
  encryption_key: string | null;
  transcoded_at: Date | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface CoursesTable {
  id: string;
  slug: string;
  name: string;
  short_description: Default<string>;
  /** Markdown. */
  description: Default<string>;
  equipment: Default<string>;
  level: Default<CourseLevel>;
  /** Free text, e.g. "3 недели". */
  duration: string | null;
  logo_key: string | null;
  video_url: string | null;
  /** Presentation video from the trainer's library (0012). */
  video_id: string | null;
  access: Default<CourseAccessKind>;
  show_in_profile: Default<boolean>;
  /** Asks learners for their and their pet's names once (0010). */
  personalised: Default<boolean>;
  /** NULL = draft. */
  published_at: Date | null;
  archived_at: Date | null;
  avg_rating: number | null;
  review_count: Default<number>;
  author_id: string;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface TrainingDaysTable {
  id: string;
  title: string;
  description: Default<string>;
  equipment: Default<string>;
  type: Default<DayType>;
  share_progress_across_courses: Default<boolean>;
  show_course_path_export: Default<boolean>;
  author_id: string;
  archived_at: Date | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

/** Content fields shared by steps and step templates. */
interface StepContent {
  title: string;
  /** Markdown. */
  description: Default<string>;
  type: StepType;
  /** Required (1..6000) for TRAINING and BREAK, NULL otherwise (CHECK). */
  duration_sec: number | null;
  estimated_duration_sec: number | null;
  /** External embed (YouTube, Rutube, VK Video…); exclusive with `video_id`. */
  video_url: string | null;
  video_id: string | null;
  /** Storage keys of images. */
  images: JsonDefault<string[]>;
  pdfs: JsonDefault<PdfRef[]>;
  /** Test questions (EXAMINATION). */
  checklist: JsonDefault<ChecklistQuestion[]>;
  requires_video_report: Default<boolean>;
  requires_written_feedback: Default<boolean>;
  /** Test pass mark, percent. */
  pass_percent: Default<number>;
}

export interface StepsTable extends StepContent {
  id: string;
  /** PRACTICE/THEORY: a plain list of items to go through (≤ 50). */
  checklist_items: JsonDefault<string[]>;
  author_id: string;
  archived_at: Date | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface DayOnCourseTable {
  id: string;
  course_id: string;
  day_id: string;
  position: number;
  archived_at: Date | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface StepOnDayTable {
  id: string;
  day_id: string;
  step_id: string;
  position: number;
  archived_at: Date | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface StepCategoriesTable {
  id: string;
  name: string;
  description: string | null;
  icon: string | null;
  position: Default<number>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface StepTemplatesTable extends StepContent {
  id: string;
  /** Like a step's (0008). */
  checklist_items: JsonDefault<string[]>;
  category_id: string | null;
  tags: JsonDefault<string[]>;
  is_public: Default<boolean>;
  usage_count: Default<number>;
  author_id: string | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface CourseAccessTable {
  course_id: string;
  user_id: string;
  granted_by: string | null;
  created_at: CreatedAt;
}

export interface LearnerNotesTable {
  id: string;
  author_id: string;
  title: string;
  tags: JsonDefault<string[]>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface LearnerNoteUsersTable {
  note_id: string;
  user_id: string;
}

export interface LearnerNoteEntriesTable {
  id: string;
  note_id: string;
  body: string;
  visible: Default<boolean>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

/** A Russian grammatical case of a pet's name (the nominative is `pet_name`). */
export type PetNameCase = "genitive" | "dative" | "accusative" | "instrumental" | "prepositional";

/** A learner's answers for one personalised course (0010). */
export interface CoursePersonalisationTable {
  user_id: string;
  course_id: string;
  learner_name: string;
  gender: "male" | "female";
  pet_id: string | null;
  pet_name: string;
  pet_gender: "male" | "female" | null;
  pet_cases: JsonDefault<Partial<Record<PetNameCase, string>>>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface FavoritesTable {
  user_id: string;
  course_id: string;
  created_at: CreatedAt;
}

export interface CourseReviewsTable {
  id: string;
  course_id: string;
  user_id: string;
  rating: number;
  comment: string | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface UserCoursesTable {
  user_id: string;
  course_id: string;
  status: Default<TrainingStatus>;
  started_at: Date | null;
  completed_at: Date | null;
  /** The learner lets the course's trainer read their diary for its days (0009). */
  diary_shared: Default<boolean>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface UserTrainingsTable {
  id: string;
  user_id: string;
  day_on_course_id: string;
  status: Default<TrainingStatus>;
  current_step_index: Default<number>;
  started_at: Date | null;
  completed_at: Date | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface UserStepsTable {
  id: string;
  user_training_id: string;
  step_on_day_id: string;
  /** Must equal the user_training's user (composite foreign key). */
  user_id: string;
  status: Default<TrainingStatus>;
  paused: Default<boolean>;
  remaining_sec: number | null;
  timer_started_at: Date | null;
  timer_ends_at: Date | null;
  active_seconds: Default<number>;
  notification_job_id: string | null;
  completed_at: Date | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface ExamResultsTable {
  id: string;
  user_step_id: string;
  step_id: string;
  course_id: string;
  user_id: string;
  test_answers: JsonDefault<TestAnswers>;
  test_score: number | null;
  test_max_score: number | null;
  written_answer: string | null;
  video_key: string | null;
  video_deleted_at: Date | null;
  video_delete_reason: ExamVideoDeleteReason | null;
  /** The small copy for review (db/migrations/0013, core/video/exam.ts). */
  video_review_key: string | null;
  video_review_status: ExamVideoReviewStatus | null;
  video_review_error: string | null;
  status: Default<ExamStatus>;
  trainer_comment: string | null;
  reviewed_at: Date | null;
  reviewed_by: string | null;
  submitted_at: CreatedAt;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

/** An earlier, reviewed attempt of an exam (db/migrations/0005): copied before a resubmission. */
export interface ExamAttemptsTable {
  id: string;
  exam_result_id: string;
  user_id: string;
  step_id: string;
  test_answers: JsonDefault<TestAnswers>;
  test_score: number | null;
  test_max_score: number | null;
  written_answer: string | null;
  had_video: Default<boolean>;
  status: Exclude<ExamStatus, "PENDING">;
  trainer_comment: string | null;
  reviewed_at: Date | null;
  reviewed_by: string | null;
  submitted_at: Date;
  created_at: CreatedAt;
}

export interface DiaryEntriesTable {
  id: string;
  user_id: string;
  day_id: string;
  content: string;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface VideoProgressTable {
  user_id: string;
  video_id: string;
  position_sec: Default<number>;
  updated_at: UpdatedAt;
}

export interface PushSubscriptionsTable {
  id: string;
  user_id: string;
  endpoint: string;
  p256dh: string;
  auth: string;
  user_agent: string | null;
  last_success_at: Date | null;
  failure_count: Default<number>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface NotificationsTable {
  id: string;
  user_id: string;
  kind: string;
  title: string;
  body: Default<string>;
  url: string | null;
  data: JsonDefault<JsonObject>;
  read_at: Date | null;
  /**
   * Its deliveries (push jobs, Telegram, email) are not all enqueued yet
   * (the outbox: db/migrations/0003_outbox.ts, 0015_delivery_outbox.ts).
   */
  delivery_pending: Default<boolean>;
  created_at: CreatedAt;
}

export interface ReengagementCampaignsTable {
  id: string;
  user_id: string;
  level: Default<number>;
  status: Default<ReengagementStatus>;
  last_activity_at: Date;
  next_notification_at: Date | null;
  returned_at: Date | null;
  unsubscribed: Default<boolean>;
  notifications_sent: Default<number>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
  /** 0019: when and why the campaign stopped (null while ACTIVE). */
  ended_at: Date | null;
  end_reason: ReengagementEndReason | null;
}

export interface ReengagementNotificationsTable {
  id: string;
  campaign_id: string;
  level: number;
  variant_id: string;
  title: string;
  body: string;
  url: string | null;
  sent_at: Date | null;
  clicked_at: Date | null;
  created_at: CreatedAt;
  /** 0019: the recipient (unique with variant_id: no variant twice per user). */
  user_id: string;
  /** The in-app notification the message became. */
  notification_id: string | null;
  /** Opaque token of the tracking link `/r/<token>`; `url` is where it leads. */
  click_token: string | null;
}

export interface ErrorGroupsTable {
  id: string;
  fingerprint: string;
  source: ErrorSource;
  type: string;
  message: string;
  top_frame: string | null;
  status: Default<ErrorGroupStatus>;
  count: Default<number>;
  first_seen_at: CreatedAt;
  last_seen_at: CreatedAt;
  resolved_at: Date | null;
  resolved_by: string | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface ErrorReportsTable {
  id: string;
  group_id: string;
  occurred_at: CreatedAt;
  message: string;
  stack: string | null;
  url: string | null;
  user_agent: string | null;
  user_id: string | null;
  request_id: string | null;
  release: string | null;
  context: JsonDefault<JsonObject>;
}

/** Legal pages as Markdown per language (migration 0004; defaults in core/legal/defaults.ts). */
export interface LegalPagesTable {
  slug: "privacy" | "terms" | "consent";
  locale: "ru" | "en";
  body: string;
  updated_at: UpdatedAt;
  updated_by: string | null;
}

/** Markers of job effects that ran (migration 0002_jobs; see `ctx.once` in queues/define.ts). */
export interface JobEffectsTable {
  job_id: string;
  key: string;
  result: Json<JsonValue | null>;
  created_at: CreatedAt;
}

/** Notification choices (migration 0014; core/notification_prefs.ts). */
export interface NotificationPrefsTable {
  user_id: string;
  /** "category.channel" → on/off; a missing entry is the default. */
  prefs: JsonDefault<Record<string, boolean>>;
  updated_at: UpdatedAt;
}

/** A learner's training reminder: local time and weekdays in users.time_zone (0018). */
export interface TrainingRemindersTable {
  id: string;
  user_id: string;
  /** Minutes after local midnight, 0–1439. */
  time_minutes: number;
  /** Bit 0 = Monday … bit 6 = Sunday. */
  weekdays: number;
  enabled: Default<boolean>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

/** One reminder sent (or claimed) for one local day (0018). */
export interface ReminderSendsTable {
  reminder_id: string;
  local_date: DateString;
  user_id: string;
  due_at: Date;
  claimed_at: CreatedAt;
  sent_at: Date | null;
}

/** Who did what to whom, and when (0022, core/audit.ts). */
export interface AuditLogTable {
  id: string;
  /** Null for the command line / system. */
  actor_id: string | null;
  actor_name: string;
  action: string;
  target_user_id: string | null;
  details: JsonDefault<JsonObject>;
  created_at: CreatedAt;
}

export const BROADCAST_STATUSES = ["draft", "sending", "done"] as const;
export type BroadcastStatus = typeof BROADCAST_STATUSES[number];

/** A message from an admin to a segment of learners (0022, core/broadcasts.ts). */
export interface BroadcastsTable {
  id: string;
  created_by: string | null;
  segment: Json<JsonObject>;
  title_ru: string | null;
  body_ru: string | null;
  title_en: string | null;
  body_en: string | null;
  url: string | null;
  status: Default<BroadcastStatus>;
  total: Default<number>;
  sent: Default<number>;
  cursor: Default<string>;
  created_at: CreatedAt;
  confirmed_at: Date | null;
  finished_at: Date | null;
  /** When the send last moved (migration 0024): the sweeper restarts a stalled one. */
  progress_at: Date | null;
}

/** One learner a broadcast reached (migration 0024): at most one copy each. */
export interface BroadcastRecipientsTable {
  broadcast_id: string;
  user_id: string;
  created_at: CreatedAt;
}

/** Idempotency keys of learner actions (migration 0020; core/offline/idempotency.ts). */
export interface IdempotencyKeysTable {
  user_id: string;
  key: string;
  request_hash: string;
  /** The stored answer's HTTP status; null while the first request runs. */
  status: number | null;
  response: Json<JsonValue | null>;
  created_at: CreatedAt;
  locked_at: Generated<Date>;
  completed_at: Date | null;
}

export interface Database {
  job_effects: JobEffectsTable;
  idempotency_keys: IdempotencyKeysTable;
  app_meta: AppMetaTable;
  users: UsersTable;
  user_profiles: UserProfilesTable;
  consents: ConsentsTable;
  password_reset_tokens: PasswordResetTokensTable;
  telegram_link_tokens: TelegramLinkTokensTable;
  email_change_tokens: EmailChangeTokensTable;
  refresh_tokens: RefreshTokensTable;
  pets: PetsTable;
  videos: VideosTable;
  courses: CoursesTable;
  training_days: TrainingDaysTable;
  steps: StepsTable;
  day_on_course: DayOnCourseTable;
  step_on_day: StepOnDayTable;
  step_categories: StepCategoriesTable;
  step_templates: StepTemplatesTable;
  course_access: CourseAccessTable;
  learner_notes: LearnerNotesTable;
  learner_note_users: LearnerNoteUsersTable;
  learner_note_entries: LearnerNoteEntriesTable;
  course_personalisation: CoursePersonalisationTable;
  favorites: FavoritesTable;
  course_reviews: CourseReviewsTable;
  user_courses: UserCoursesTable;
  user_trainings: UserTrainingsTable;
  user_steps: UserStepsTable;
  exam_results: ExamResultsTable;
  exam_attempts: ExamAttemptsTable;
  diary_entries: DiaryEntriesTable;
  video_progress: VideoProgressTable;
  push_subscriptions: PushSubscriptionsTable;
  notifications: NotificationsTable;
  notification_prefs: NotificationPrefsTable;
  training_reminders: TrainingRemindersTable;
  reminder_sends: ReminderSendsTable;
  reengagement_campaigns: ReengagementCampaignsTable;
  reengagement_notifications: ReengagementNotificationsTable;
  error_groups: ErrorGroupsTable;
  error_reports: ErrorReportsTable;
  legal_pages: LegalPagesTable;
  audit_log: AuditLogTable;
  broadcasts: BroadcastsTable;
  broadcast_recipients: BroadcastRecipientsTable;
}

// ------------------------------------------------------- row type aliases

export type User = Selectable<UsersTable>;
export type NewUser = Insertable<UsersTable>;
export type UserUpdate = Updateable<UsersTable>;

export type UserProfile = Selectable<UserProfilesTable>;
export type NewUserProfile = Insertable<UserProfilesTable>;
export type UserProfileUpdate = Updateable<UserProfilesTable>;

export type Consent = Selectable<ConsentsTable>;
export type NewConsent = Insertable<ConsentsTable>;

export type Pet = Selectable<PetsTable>;
export type NewPet = Insertable<PetsTable>;
export type PetUpdate = Updateable<PetsTable>;

export type Video = Selectable<VideosTable>;
export type NewVideo = Insertable<VideosTable>;
export type VideoUpdate = Updateable<VideosTable>;

export type Course = Selectable<CoursesTable>;
export type NewCourse = Insertable<CoursesTable>;
export type CourseUpdate = Updateable<CoursesTable>;

export type TrainingDay = Selectable<TrainingDaysTable>;
export type NewTrainingDay = Insertable<TrainingDaysTable>;
export type TrainingDayUpdate = Updateable<TrainingDaysTable>;

export type Step = Selectable<StepsTable>;
export type NewStep = Insertable<StepsTable>;
export type StepUpdate = Updateable<StepsTable>;

export type DayOnCourse = Selectable<DayOnCourseTable>;
export type NewDayOnCourse = Insertable<DayOnCourseTable>;
export type DayOnCourseUpdate = Updateable<DayOnCourseTable>;

export type StepOnDay = Selectable<StepOnDayTable>;
export type NewStepOnDay = Insertable<StepOnDayTable>;
export type StepOnDayUpdate = Updateable<StepOnDayTable>;

export type StepCategory = Selectable<StepCategoriesTable>;
export type NewStepCategory = Insertable<StepCategoriesTable>;
export type StepCategoryUpdate = Updateable<StepCategoriesTable>;

export type StepTemplate = Selectable<StepTemplatesTable>;
export type NewStepTemplate = Insertable<StepTemplatesTable>;
export type StepTemplateUpdate = Updateable<StepTemplatesTable>;

export type CourseAccess = Selectable<CourseAccessTable>;
export type NewCourseAccess = Insertable<CourseAccessTable>;

export type CourseReview = Selectable<CourseReviewsTable>;
export type NewCourseReview = Insertable<CourseReviewsTable>;
export type CourseReviewUpdate = Updateable<CourseReviewsTable>;

export type UserCourse = Selectable<UserCoursesTable>;
export type NewUserCourse = Insertable<UserCoursesTable>;
export type UserCourseUpdate = Updateable<UserCoursesTable>;

export type UserTraining = Selectable<UserTrainingsTable>;
export type NewUserTraining = Insertable<UserTrainingsTable>;
export type UserTrainingUpdate = Updateable<UserTrainingsTable>;

export type UserStep = Selectable<UserStepsTable>;
export type NewUserStep = Insertable<UserStepsTable>;
export type UserStepUpdate = Updateable<UserStepsTable>;

export type ExamResult = Selectable<ExamResultsTable>;
export type NewExamResult = Insertable<ExamResultsTable>;
export type ExamResultUpdate = Updateable<ExamResultsTable>;

export type DiaryEntry = Selectable<DiaryEntriesTable>;
export type NewDiaryEntry = Insertable<DiaryEntriesTable>;
export type DiaryEntryUpdate = Updateable<DiaryEntriesTable>;

export type PushSubscription = Selectable<PushSubscriptionsTable>;
export type NewPushSubscription = Insertable<PushSubscriptionsTable>;
export type PushSubscriptionUpdate = Updateable<PushSubscriptionsTable>;

export type Notification = Selectable<NotificationsTable>;
export type NewNotification = Insertable<NotificationsTable>;
export type NotificationUpdate = Updateable<NotificationsTable>;

export type ReengagementCampaign = Selectable<ReengagementCampaignsTable>;
export type NewReengagementCampaign = Insertable<ReengagementCampaignsTable>;
export type ReengagementCampaignUpdate = Updateable<ReengagementCampaignsTable>;

export type ReengagementNotification = Selectable<ReengagementNotificationsTable>;
export type NewReengagementNotification = Insertable<ReengagementNotificationsTable>;

export type ErrorGroup = Selectable<ErrorGroupsTable>;
export type NewErrorGroup = Insertable<ErrorGroupsTable>;
export type ErrorGroupUpdate = Updateable<ErrorGroupsTable>;

export type ErrorReport = Selectable<ErrorReportsTable>;
export type NewErrorReport = Insertable<ErrorReportsTable>;
