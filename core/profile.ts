/**
 * Profiles: a user's own profile (name, about, birth date, contacts, avatar,
 * whether it is public) and the public view of anyone's profile.
 *
 * Rules: a user edits only their own profile (every function takes the
 * acting user and works on that user's row — there is no way to name
 * another). A profile that is not public is "not available" to everyone
 * but its owner; the public view shows only what the owner agreed to
 * publish: the profile fields, pets, and for trainers their published
 * public courses marked "show in profile".
 */
import { z } from "zod";
import type { Services } from "./services.ts";
import type { SessionUser } from "./auth/session_user.ts";
import { requireUser, STUDIO_ROLES } from "./auth/guards.ts";
import type { Role } from "@/db/schema.ts";
import { deleteReplaced, receiveUpload, type StoredFile, UploadError } from "./uploads.ts";
import { randomName } from "./storage/mod.ts";
import { newId } from "@/platform/ids.ts";
import { CONSENT_VERSION } from "./auth/register.ts";
import { type CatalogueCourse, publicCatalogue } from "./courses/catalogue.ts";
import { mediaPath } from "./paths.ts";
import { listPetsOf, type PetView } from "./pets.ts";
import { clearable, line, paragraph, pastDate } from "./fields.ts";

// ------------------------------------------------------------ field rules

/** `@name`, `name`, `t.me/name` or `https://t.me/name` → `@name`. */
export function normalizeTelegram(raw: string): string | null {
  let v = raw.trim();
  const url =
    /^(?:https?:\/\/)?(?:www\.)?(?:t\.me|telegram\.me|telegram\.dog)\/([^/?#]+)\/?(?:[?#].*)?$/i
      .exec(v);
  if (url) v = url[1];
  v = v.replace(/^@/, "");
  return /^[A-Za-z][A-Za-z0-9_]{4,31}$/.test(v) ? `@${v}` : null;
}

/** `@name`, `name` or an instagram.com link → `@name`. */
export function normalizeInstagram(raw: string): string | null {
  let v = raw.trim();
  const url = /^(?:https?:\/\/)?(?:www\.)?(?:instagram\.com|instagr\.am)\/([^/?#]+)\/?(?:[?#].*)?$/i
    .exec(v);
  if (url) v = url[1];
  v = v.replace(/^@/, "");
  return /^(?!.*\.\.)(?!\.)(?!.*\.$)[A-Za-z0-9._]{1,30}$/.test(v) ? `@${v.toLowerCase()}` : null;
}

/** A web address (https:// added when no scheme is given); only http(s), no credentials. */
export function normalizeWebsite(raw: string): string | null {
  let v = raw.trim();
  if (!/^[a-z][a-z0-9+.-]*:/i.test(v)) v = `https://${v}`;
  let url: URL;
  try {
    url = new URL(v);
  } catch {
    return null;
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return null;
  if (url.username || url.password) return null;
  if (!/^[^.]+(\.[^.]+)+$/.test(url.hostname)) return null;
  const href = url.href;
  return href.length <= 300 ? href : null;
}

function normalized(fn: (v: string) => string | null, message: string) {
  return z.string().transform((v, ctx) => {
    const out = fn(v);
    if (out === null) {
      ctx.issues.push({ code: "custom", message, input: v });
      return z.NEVER;
    }
    return out;
  });
}

export const profileUpdateSchema = z.object({
  fullName: clearable(line(120)),
  about: clearable(paragraph(2000)),
  birthDate: clearable(pastDate("1900-01-01", "profile.validation.birthDate")),
  telegram: clearable(normalized(normalizeTelegram, "profile.validation.telegram")),
  instagram: clearable(normalized(normalizeInstagram, "profile.validation.instagram")),
  website: clearable(normalized(normalizeWebsite, "profile.validation.website")),
  isPublic: z.boolean().optional(),
});

export type ProfileUpdate = z.input<typeof profileUpdateSchema>;

// ------------------------------------------------------------------ views

export interface Profile {
  userId: string;
  username: string;
  role: Role;
  fullName: string | null;
  about: string | null;
  birthDate: string | null;
  telegram: string | null;
  instagram: string | null;
  website: string | null;
  avatarKey: string | null;
  isPublic: boolean;
  memberSince: Date;
}

/** The JSON shape of a profile (API): keys become URLs, ids stay out. */
export function profileJson(p: Profile) {
  return {
    username: p.username,
    role: p.role,
    fullName: p.fullName,
    about: p.about,
    birthDate: p.birthDate,
    telegram: p.telegram,
    instagram: p.instagram,
    website: p.website,
    avatarUrl: p.avatarKey ? mediaPath(p.avatarKey) : null,
    isPublic: p.isPublic,
    memberSince: p.memberSince.toISOString(),
  };
}

/** `https://t.me/name` for a stored `@name`. */
export function telegramUrl(handle: string): string {
  return `https://t.me/${handle.replace(/^@/, "")}`;
}

export function instagramUrl(handle: string): string {
  return `https://www.instagram.com/${handle.replace(/^@/, "")}/`;
}

async function loadProfile(
  s: Services,
  where: { id: string } | { username: string },
): Promise<Profile | null> {
  let q = s.db.selectFrom("users as u")
    .leftJoin("user_profiles as p", "p.user_id", "u.id")
    .select([
      "u.id",
      "u.username",
      "u.role",
      "u.created_at",
      "p.full_name",
      "p.about",
      "p.birth_date",
      "p.telegram",
      "p.instagram",
      "p.website",
      "p.avatar_key",
      "p.is_public",
    ])
    .where("u.disabled_at", "is", null);
  q = "id" in where
    ? q.where("u.id", "=", where.id)
    : q.where("u.username", "=", where.username.toLowerCase());
  const r = await q.executeTakeFirst();
  if (!r) return null;
  return {
    userId: r.id,
    username: r.username,
    role: r.role,
    fullName: r.full_name,
    about: r.about,
    birthDate: r.birth_date,
    telegram: r.telegram,
    instagram: r.instagram,
    website: r.website,
    avatarKey: r.avatar_key,
    isPublic: r.is_public ?? false,
    memberSince: r.created_at,
  };
}

/** The signed-in user's own profile (every field). */
export async function ownProfile(s: Services, actor: SessionUser | null): Promise<Profile> {
  const user = requireUser(actor);
  const p = await loadProfile(s, { id: user.id });
  if (!p) throw new Error(`profile of session user ${user.id} is missing`);
  return p;
}

/**
 * Updates the acting user's profile with the fields given (absent fields
 * stay). Turning the profile public records the PUBLIC_PROFILE consent.
 */
export async function updateProfile(
  s: Services,
  actor: SessionUser | null,
  input: unknown,
): Promise<Profile> {
  const user = requireUser(actor);
  const data = profileUpdateSchema.parse(input);
  const values = {
    full_name: data.fullName,
    about: data.about,
    birth_date: data.birthDate,
    telegram: data.telegram,
    instagram: data.instagram,
    website: data.website,
    is_public: data.isPublic,
  };
  const set = Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined));
  await s.db.transaction().execute(async (trx) => {
    const before = await trx.selectFrom("user_profiles").select("is_public")
      .where("user_id", "=", user.id).forUpdate().executeTakeFirst();
    if (!before) {
      await trx.insertInto("user_profiles").values({ user_id: user.id, ...set }).execute();
    } else if (Object.keys(set).length) {
      await trx.updateTable("user_profiles").set(set).where("user_id", "=", user.id).execute();
    }
    if (data.isPublic && !before?.is_public) {
      await trx.insertInto("consents").values({
        id: newId(),
        user_id: user.id,
        type: "PUBLIC_PROFILE",
        version: CONSENT_VERSION,
      }).execute();
    }
  });
  return await ownProfile(s, user);
}

// ----------------------------------------------------------------- avatar

export function avatarPrefix(userId: string): string {
  return `users/${userId}/avatar/`;
}

/**
 * Stores the image in the request as the acting user's avatar and deletes
 * the previous file. Throws `UploadError` for a refused file (nothing kept).
 */
export async function replaceAvatar(
  s: Services,
  actor: SessionUser | null,
  req: Request,
): Promise<Profile> {
  const user = requireUser(actor);
  const { file } = await receiveUpload(s.storage, req, {
    field: "avatar",
    keyFor: (ext) => avatarPrefix(user.id) + randomName(ext),
  });
  if (!file) throw new UploadError("required").onField("avatar");
  await setAvatarKey(s, user.id, file);
  return await ownProfile(s, user);
}

export async function removeAvatar(s: Services, actor: SessionUser | null): Promise<Profile> {
  const user = requireUser(actor);
  await setAvatarKey(s, user.id, null);
  return await ownProfile(s, user);
}

/** Points the profile at the new file (or none), then deletes the old file. */
async function setAvatarKey(s: Services, userId: string, file: StoredFile | null): Promise<void> {
  let old: string | null = null;
  try {
    await s.db.transaction().execute(async (trx) => {
      const row = await trx.selectFrom("user_profiles").select("avatar_key")
        .where("user_id", "=", userId).forUpdate().executeTakeFirst();
      old = row?.avatar_key ?? null;
      if (row) {
        await trx.updateTable("user_profiles").set({ avatar_key: file?.key ?? null })
          .where("user_id", "=", userId).execute();
      } else {
        await trx.insertInto("user_profiles").values({ user_id: userId, avatar_key: file?.key })
          .execute();
      }
    });
  } catch (e) {
    if (file) await s.storage.delete(file.key).catch(() => {});
    throw e;
  }
  if (old && old !== file?.key) await deleteReplaced(s.storage, old);
}

// ------------------------------------------------------------ public view

export interface PublicProfile {
  profile: Profile;
  /** The viewer is the owner (sees a private profile too, and edit links). */
  isOwner: boolean;
  pets: PetView[];
  courses: CatalogueCourse[];
}

/**
 * `/u/<username>`: null when the user does not exist, is disabled, or has
 * not made the profile public (unless the viewer is its owner) — one answer
 * for all, so a hidden profile cannot be told from a missing one.
 */
export async function publicProfile(
  s: Services,
  viewer: SessionUser | null,
  username: string,
): Promise<PublicProfile | null> {
  if (!/^[a-z0-9_]{3,32}$/i.test(username)) return null;
  const profile = await loadProfile(s, { username });
  if (!profile) return null;
  const isOwner = viewer?.id === profile.userId;
  if (!profile.isPublic && !isOwner) return null;
  const pets = await listPetsOf(s, profile.userId);
  let courses: CatalogueCourse[] = [];
  if (STUDIO_ROLES.includes(profile.role)) {
    const shown = await s.db.selectFrom("courses").select("id")
      .where("author_id", "=", profile.userId)
      .where("show_in_profile", "=", true)
      .where("access", "=", "PUBLIC")
      .where("published_at", "is not", null)
      .where("archived_at", "is", null)
      .execute();
    if (shown.length) {
      const ids = new Set(shown.map((r) => r.id));
      courses = (await publicCatalogue(s)).filter((c) => ids.has(c.id));
    }
  }
  return { profile, isOwner, pets, courses };
}
