/**
 * Every environment variable the app reads, validated by zod in one place.
 *
 * `loadConfig()` never throws a zod error at the user: a bad value becomes a
 * `ConfigError` whose message has one line per variable (name and rule), and
 * `main.ts` prints it and exits. Secrets that a local run needs are generated
 * once into `DATA_DIR/secrets.json`; in production they must be given.
 */
import { z } from "zod";
import { join, resolve } from "node:path";
import { randomToken, toBase64Url } from "./encoding.ts";

const bool = z
  .enum(["true", "false", "1", "0", "yes", "no"], {
    error: "must be true or false",
  })
  .transform((v) => v === "true" || v === "1" || v === "yes");

const int = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, { error: `must be a whole number from ${min} to ${max}` })
    .transform(Number)
    .refine((n) => n >= min && n <= max, { error: `must be from ${min} to ${max}` });

const secret = z.string().min(32, { error: "must be at least 32 characters" });

const timeZone = z.string().refine((tz) => {
  try {
    new Intl.DateTimeFormat("en", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}, { error: "must be an IANA time zone such as Europe/Moscow" });

const url = (protocols: string[]) =>
  z.string().refine((v) => {
    try {
      return protocols.includes(new URL(v).protocol);
    } catch {
      return false;
    }
  }, { error: `must be a URL (${protocols.join(" or ")})` });

/** The variables, with defaults and the rule a value must follow. */
export const envSchema = z.object({
  GAFUS_ENV: z.enum(["development", "production", "test"], {
    error: "must be development, production or test",
  }).default("development"),
  PORT: int(1, 65535).default(8000),
  HOST: z.string().min(1).default("0.0.0.0"),
  PUBLIC_URL: url(["http:", "https:"]).optional(),
  DATA_DIR: z.string().min(1).default("./data"),
  DATABASE_URL: url(["postgres:", "postgresql:"]).optional(),
  DATABASE_POOL_MAX: int(1, 200).default(10),
  KV_PATH: z.string().min(1).optional(),
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error"], {
    error: "must be debug, info, warn or error",
  }).default("info"),
  LOG_REQUESTS: bool.default(true),
  AUTO_SEED: bool.optional(),
  TRUST_PROXY: bool.default(false),
  RELEASE: z.string().max(64).optional(),

  SESSION_SECRET: secret.optional(),
  VIDEO_SECRET: secret.optional(),
  METRICS_TOKEN: z.string().min(16, { error: "must be at least 16 characters" }).optional(),
  VAPID_PUBLIC_KEY: z.string().regex(/^[A-Za-z0-9_-]{87}$/, {
    error: "must be an uncompressed P-256 public key in base64url (87 characters)",
  }).optional(),
  VAPID_PRIVATE_KEY: z.string().regex(/^[A-Za-z0-9_-]{43}$/, {
    error: "must be a P-256 private key in base64url (43 characters)",
  }).optional(),
  VAPID_SUBJECT: z.string().regex(/^(mailto:|https:\/\/)/, {
    error: "must start with mailto: or https://",
  }).default("mailto:admin@gafus.local"),

  S3_BUCKET: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, {
    error: "must be a valid bucket name (3–63 lower-case letters, digits, dots, hyphens)",
  }).optional(),
  S3_ENDPOINT: url(["http:", "https:"]).optional(),
  S3_REGION: z.string().min(1).default("us-east-1"),
  S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  S3_FORCE_PATH_STYLE: bool.default(false),

  TELEGRAM_BOT_TOKEN: z.string().regex(/^\d+:[A-Za-z0-9_-]{20,}$/, {
    error: "must look like 123456:ABC-DEF… (from @BotFather)",
  }).optional(),
  TELEGRAM_MODE: z.enum(["polling", "webhook"], { error: "must be polling or webhook" }).default(
    "polling",
  ),
  TELEGRAM_WEBHOOK_SECRET: z.string().regex(/^[A-Za-z0-9_-]{16,256}$/, {
    error: "must be 16–256 characters of A-Z, a-z, 0-9, _ and -",
  }).optional(),
  TELEGRAM_API_ROOT: url(["http:", "https:"]).optional(),
  TELEGRAM_ALERT_CHAT_ID: z.string().regex(/^-?\d+$/, { error: "must be a numeric chat id" })
    .optional(),
  /** The bot's @username for deep links; read from getMe at start when unset. */
  TELEGRAM_BOT_USERNAME: z.string().regex(/^[A-Za-z][A-Za-z0-9_]{3,31}$/, {
    error: "must be a Telegram bot username without @",
  }).optional(),
  /** Polling: how long the polling lease lasts unrenewed, i.e. how soon another instance takes over. */
  TELEGRAM_POLL_LEASE_SEC: int(3, 600).default(30),

  /** smtp://user:pass@host:587 or smtps://…:465; unset → messages go to DATA_DIR/outbox. */
  SMTP_URL: url(["smtp:", "smtps:"]).optional(),
  MAIL_FROM: z.string().min(3).max(200).default("Gafus <no-reply@gafus.localhost>"),

  REENGAGEMENT_ENABLED: bool.default(true),
  /** Completed steps a learner needs before they count as "trained before". */
  REENGAGEMENT_MIN_STEPS: int(1, 1000).default(2),
  /** Days after the last activity on which messages go out (up to four, ascending). */
  REENGAGEMENT_DAYS: z.string().regex(/^\d{1,3}(,\d{1,3}){0,3}$/, {
    error: "must be up to four day numbers, e.g. 5,12,20,30",
  }).default("5,12,20,30"),
  /** Only learners active within this many days are considered at all. */
  REENGAGEMENT_LOOKBACK_DAYS: int(7, 365).default(60),

  FFMPEG_PATH: z.string().min(1).default("ffmpeg"),
  FFPROBE_PATH: z.string().min(1).default("ffprobe"),
  VIDEO_MAX_UPLOAD_MB: int(1, 10240).default(1024),
  VIDEO_MAX_SECONDS: int(1, 36000).default(3600),
  VIDEO_KEEP_SOURCE: bool.default(true),
  VIDEO_NICE: int(0, 19).default(10),
  VIDEO_TRANSCODE_CONCURRENCY: int(1, 16).default(1),
  VIDEO_TIMEOUT_FACTOR: int(1, 100).default(3),
  CRON_TIMEZONE: timeZone.default("Europe/Moscow"),
  /** Local media directory (default DATA_DIR/media); several instances point at one shared directory. */
  MEDIA_DIR: z.string().min(1).optional(),
  /**
   * Where what several instances must share lives: `kv` (default) keeps jobs,
   * cron leadership, rate limits and revoked sessions in the local KV file;
   * `postgres` moves them into the DATABASE_URL server (docs/multi-instance.md).
   */
  JOBS_BACKEND: z.enum(["kv", "postgres"]).default("kv"),
  JOBS_DONE_RETENTION_DAYS: int(1, 365).default(2),
  JOBS_FAILED_RETENTION_DAYS: int(1, 365).default(14),
  EXAM_VIDEO_APPROVED_DAYS: int(1, 3650).default(30),
  EXAM_VIDEO_PENDING_DAYS: int(1, 3650).default(90),
});

export type Env = z.infer<typeof envSchema>;

export interface Config {
  env: Env["GAFUS_ENV"];
  production: boolean;
  port: number;
  host: string;
  publicUrl: string;
  dataDir: string;
  databaseUrl?: string;
  databasePoolMax: number;
  kvPath: string;
  /** Local storage directory (when S3 is not used). */
  mediaDir: string;
  logLevel: Env["LOG_LEVEL"];
  logRequests: boolean;
  autoSeed: boolean;
  trustProxy: boolean;
  release: string;
  secrets: {
    session: string;
    video: string;
    metricsToken?: string;
    vapid?: { publicKey: string; privateKey: string; subject: string };
  };
  s3?: {
    bucket: string;
    endpoint?: string;
    region: string;
    accessKeyId?: string;
    secretAccessKey?: string;
    forcePathStyle: boolean;
  };
  telegram?: {
    token: string;
    mode: "polling" | "webhook";
    webhookSecret?: string;
    apiRoot?: string;
    alertChatId?: string;
    /** From TELEGRAM_BOT_USERNAME; the bot fills it from getMe when unset. */
    username?: string;
    /** Polling lease lifetime (renewed every third of it). */
    pollLeaseMs: number;
  };
  email: {
    /** Unset: messages are written to `DATA_DIR/outbox` (the embedded default). */
    smtpUrl?: string;
    from: string;
  };
  reengagement: {
    enabled: boolean;
    minSteps: number;
    /** Ascending days after the last activity, one per campaign level. */
    days: number[];
    lookbackDays: number;
  };
  ffmpegPath: string;
  ffprobePath: string;
  video: {
    /** Trainers' library uploads: largest file and longest video accepted. */
    maxUploadBytes: number;
    maxSeconds: number;
    /** Keep the uploaded source after a successful transcode. */
    keepSource: boolean;
    /** `nice` level of ffmpeg (0 = as the app). */
    nice: number;
    /** Transcoding jobs one process runs at the same time. */
    transcodeConcurrency: number;
    /** Timeout of one transcode: 60 s + this × the video's duration. */
    timeoutFactor: number;
  };
  cronTimeZone: string;
  /** `kv`: the local KV file; `postgres`: shared through DATABASE_URL (several instances). */
  jobsBackend: "kv" | "postgres";
  jobsDoneRetentionDays: number;
  jobsFailedRetentionDays: number;
  /** Days exam videos are kept: approved ones after the review, open ones after sending. */
  examVideoRetention: { approvedDays: number; pendingDays: number };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/** Names of the variables, for docs and tests. */
export const ENV_NAMES = Object.keys(envSchema.shape) as (keyof Env)[];

const LOCAL_SECRETS_FILE = "secrets.json";

interface LocalSecrets {
  SESSION_SECRET?: string;
  VIDEO_SECRET?: string;
  VAPID_PUBLIC_KEY?: string;
  VAPID_PRIVATE_KEY?: string;
}

/** A P-256 key pair in the raw base64url form Web Push (VAPID) uses. */
export async function generateVapidKeys(): Promise<{ publicKey: string; privateKey: string }> {
  const pair = await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, [
    "sign",
    "verify",
  ]);
  const raw = new Uint8Array(await crypto.subtle.exportKey("raw", pair.publicKey));
  const jwk = await crypto.subtle.exportKey("jwk", pair.privateKey);
  return { publicKey: toBase64Url(raw), privateKey: jwk.d! };
}

/**
 * Reads secrets kept for local runs, generating the missing ones once. The
 * file is written with mode 0600 so other local users cannot read it.
 */
async function localSecrets(dataDir: string): Promise<LocalSecrets> {
  const file = join(dataDir, LOCAL_SECRETS_FILE);
  let stored: LocalSecrets = {};
  try {
    stored = JSON.parse(await Deno.readTextFile(file));
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  let changed = false;
  for (const key of ["SESSION_SECRET", "VIDEO_SECRET"] as const) {
    if (!stored[key]) {
      stored[key] = randomToken(32);
      changed = true;
    }
  }
  if (!stored.VAPID_PUBLIC_KEY || !stored.VAPID_PRIVATE_KEY) {
    const keys = await generateVapidKeys();
    stored.VAPID_PUBLIC_KEY = keys.publicKey;
    stored.VAPID_PRIVATE_KEY = keys.privateKey;
    changed = true;
  }
  if (changed) {
    await Deno.mkdir(dataDir, { recursive: true });
    const tmp = `${file}.${crypto.randomUUID()}.tmp`;
    await Deno.writeTextFile(tmp, JSON.stringify(stored, null, 2) + "\n", { mode: 0o600 });
    await Deno.rename(tmp, file);
  }
  return stored;
}

/** Parses the environment; throws `ConfigError` with one line per bad variable. */
export async function loadConfig(
  source: Record<string, string | undefined> = Deno.env.toObject(),
): Promise<Config> {
  // An empty variable means "unset", as in most deploy tools.
  const raw = Object.fromEntries(
    ENV_NAMES.map((k) => [k, source[k] === "" ? undefined : source[k]]),
  );
  const parsed = envSchema.safeParse(raw);
  const problems = parsed.success ? [] : [
    ...new Set(parsed.error.issues.map((issue) => `${String(issue.path[0])}: ${issue.message}`)),
  ];
  // Rules across variables need only whether each is set, so they are
  // reported together with the value errors above.
  const has = (k: keyof Env) => raw[k] !== undefined;
  const production = raw.GAFUS_ENV === "production";
  if (production) {
    for (const k of ["SESSION_SECRET", "VIDEO_SECRET", "PUBLIC_URL"] as const) {
      if (!has(k)) problems.push(`${k}: is required when GAFUS_ENV=production`);
    }
  }
  if (has("VAPID_PUBLIC_KEY") !== has("VAPID_PRIVATE_KEY")) {
    problems.push("VAPID_PRIVATE_KEY: VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY are set together");
  }
  if (has("S3_BUCKET") && has("S3_ACCESS_KEY_ID") !== has("S3_SECRET_ACCESS_KEY")) {
    problems.push(
      "S3_SECRET_ACCESS_KEY: S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY are set together",
    );
  }
  if (!has("S3_BUCKET")) {
    for (const k of ["S3_ENDPOINT", "S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY"] as const) {
      if (has(k)) problems.push(`${k}: needs S3_BUCKET to be set too`);
    }
  }
  if (
    raw.TELEGRAM_MODE === "webhook" && has("TELEGRAM_BOT_TOKEN") && !has("TELEGRAM_WEBHOOK_SECRET")
  ) {
    problems.push("TELEGRAM_WEBHOOK_SECRET: is required when TELEGRAM_MODE=webhook");
  }
  if (raw.JOBS_BACKEND === "postgres" && !has("DATABASE_URL")) {
    problems.push(
      "JOBS_BACKEND: postgres needs DATABASE_URL (a PostgreSQL server every instance reaches)",
    );
  }
  if (raw.REENGAGEMENT_DAYS) {
    const days = raw.REENGAGEMENT_DAYS.split(",").map(Number);
    if (days.some((d, i) => d < 1 || (i > 0 && d <= days[i - 1]))) {
      problems.push("REENGAGEMENT_DAYS: must be ascending day numbers from 1");
    }
  }
  if (problems.length || !parsed.success) throw new ConfigError(problems);
  const e = parsed.data;

  const dataDir = resolve(e.DATA_DIR);
  const local = production ? {} : await localSecrets(dataDir);
  const vapidPublic = e.VAPID_PUBLIC_KEY ?? local.VAPID_PUBLIC_KEY;
  const vapidPrivate = e.VAPID_PRIVATE_KEY ?? local.VAPID_PRIVATE_KEY;

  return {
    env: e.GAFUS_ENV,
    production,
    port: e.PORT,
    host: e.HOST,
    publicUrl: (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ""),
    dataDir,
    databaseUrl: e.DATABASE_URL,
    databasePoolMax: e.DATABASE_POOL_MAX,
    kvPath: resolve(e.KV_PATH ?? join(dataDir, "kv.sqlite3")),
    mediaDir: resolve(e.MEDIA_DIR ?? join(dataDir, "media")),
    logLevel: e.LOG_LEVEL,
    logRequests: e.LOG_REQUESTS,
    autoSeed: e.AUTO_SEED ?? !production,
    trustProxy: e.TRUST_PROXY,
    release: e.RELEASE ?? "dev",
    secrets: {
      session: (e.SESSION_SECRET ?? local.SESSION_SECRET)!,
      video: (e.VIDEO_SECRET ?? local.VIDEO_SECRET)!,
      metricsToken: e.METRICS_TOKEN,
      vapid: vapidPublic && vapidPrivate
        ? { publicKey: vapidPublic, privateKey: vapidPrivate, subject: e.VAPID_SUBJECT }
        : undefined,
    },
    s3: e.S3_BUCKET
      ? {
        bucket: e.S3_BUCKET,
        endpoint: e.S3_ENDPOINT,
        region: e.S3_REGION,
        accessKeyId: e.S3_ACCESS_KEY_ID,
        secretAccessKey: e.S3_SECRET_ACCESS_KEY,
        forcePathStyle: e.S3_FORCE_PATH_STYLE,
      }
      : undefined,
    telegram: e.TELEGRAM_BOT_TOKEN
      ? {
        token: e.TELEGRAM_BOT_TOKEN,
        mode: e.TELEGRAM_MODE,
        webhookSecret: e.TELEGRAM_WEBHOOK_SECRET,
        apiRoot: e.TELEGRAM_API_ROOT,
        alertChatId: e.TELEGRAM_ALERT_CHAT_ID,
        username: e.TELEGRAM_BOT_USERNAME,
        pollLeaseMs: e.TELEGRAM_POLL_LEASE_SEC * 1000,
      }
      : undefined,
    email: { smtpUrl: e.SMTP_URL, from: e.MAIL_FROM },
    reengagement: {
      enabled: e.REENGAGEMENT_ENABLED,
      minSteps: e.REENGAGEMENT_MIN_STEPS,
      days: e.REENGAGEMENT_DAYS.split(",").map(Number),
      lookbackDays: e.REENGAGEMENT_LOOKBACK_DAYS,
    },
    ffmpegPath: e.FFMPEG_PATH,
    ffprobePath: e.FFPROBE_PATH,
    video: {
      maxUploadBytes: e.VIDEO_MAX_UPLOAD_MB * 1024 * 1024,
      maxSeconds: e.VIDEO_MAX_SECONDS,
      keepSource: e.VIDEO_KEEP_SOURCE,
      nice: e.VIDEO_NICE,
      transcodeConcurrency: e.VIDEO_TRANSCODE_CONCURRENCY,
      timeoutFactor: e.VIDEO_TIMEOUT_FACTOR,
    },
    cronTimeZone: e.CRON_TIMEZONE,
    jobsBackend: e.JOBS_BACKEND,
    jobsDoneRetentionDays: e.JOBS_DONE_RETENTION_DAYS,
    jobsFailedRetentionDays: e.JOBS_FAILED_RETENTION_DAYS,
    examVideoRetention: {
      approvedDays: e.EXAM_VIDEO_APPROVED_DAYS,
      pendingDays: e.EXAM_VIDEO_PENDING_DAYS,
    },
  };
}
