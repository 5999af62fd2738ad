/**
 * Pets: a learner's dogs and cats, with an optional photo.
 *
 * Only the owner reads a pet through these functions, changes or deletes it;
 * for anyone else a pet id answers `NotFoundError` (404), exactly like an id
 * that does not exist. Others see pets only inside a public profile
 * (core/profile.ts). A photo lives at `users/<owner>/pets/<petId>/<rand>.<ext>`:
 * replacing it deletes the old file, deleting the pet deletes its folder.
 */
import { z } from "zod";
import type { Services } from "./services.ts";
import type { SessionUser } from "./auth/session_user.ts";
import { NotFoundError, requireUser } from "./auth/guards.ts";
import { isId, newId } from "@/platform/ids.ts";
import { PET_TYPES, type PetType } from "@/db/schema.ts";
import { type Pet } from "@/db/schema.ts";
import { randomName } from "./storage/mod.ts";
import {
  deleteReplaced,
  receiveUpload,
  type StoredFile,
  type Upload,
  UploadError,
} from "./uploads.ts";
import { clearable, line, paragraph, pastDate } from "./fields.ts";
import { mediaPath } from "./paths.ts";
import { log } from "@/platform/log.ts";

// ------------------------------------------------------------- validation

const NAME_RE = /^[A-Za-zА-Яа-яЁё]+(?:[ -][A-Za-zА-Яа-яЁё]+)*$/;

const petName = line(50).pipe(
  z.string().min(2, { error: "pet.validation.name" }).regex(NAME_RE, {
    error: "pet.validation.name",
  }),
);

const breed = line(50).pipe(
  z.string().min(2, { error: "pet.validation.breed" }).max(50, {
    error: "pet.validation.breed",
  }).regex(/^[\p{L}\p{N} .,'’()/-]+$/u, { error: "pet.validation.breed" }),
);

/** A number from a form ("12,5" as well as "12.5") or JSON. */
function measure(min: number, max: number, message: string) {
  return z.preprocess(
    (v) => (typeof v === "string" ? Number(v.trim().replace(",", ".")) : v),
    z.number({ error: message }).min(min, { error: message }).max(max, { error: message })
      .transform((n) => Math.round(n * 100) / 100),
  );
}

const petFields = {
  name: petName,
  type: z.enum(PET_TYPES as [PetType, ...PetType[]], { error: "pet.validation.type" }),
  breed,
  birthDate: pastDate("1990-01-01", "pet.validation.birthDate"),
  heightCm: clearable(measure(1, 200, "pet.validation.height")),
  weightKg: clearable(measure(0.1, 200, "pet.validation.weight")),
  notes: clearable(paragraph(500)),
};

/** A new pet: name, type, breed and birth date are required. */
export const petCreateSchema = z.object(petFields);

/** A change: any subset; blank clears the optional fields (height, weight, notes). */
export const petUpdateSchema = z.object({
  name: petFields.name.optional(),
  type: petFields.type.optional(),
  breed: petFields.breed.optional(),
  birthDate: petFields.birthDate.optional(),
  heightCm: petFields.heightCm,
  weightKg: petFields.weightKg,
  notes: petFields.notes,
});

/** Form field names (for multipart forms that carry fields and a photo). */
export const PET_FORM_FIELDS = [
  "name",
  "type",
  "breed",
  "birthDate",
  "heightCm",
  "weightKg",
  "notes",
  "removePhoto",
] as const;

// ------------------------------------------------------------------ views

export interface PetView {
  id: string;
  ownerId: string;
  name: string;
  type: PetType;
  breed: string | null;
  birthDate: string | null;
  heightCm: number | null;
  weightKg: number | null;
  notes: string | null;
  photoKey: string | null;
  createdAt: Date;
  updatedAt: Date;
}

function toView(p: Pet): PetView {
  return {
    id: p.id,
    ownerId: p.owner_id,
    name: p.name,
    type: p.type,
    breed: p.breed,
    birthDate: p.birth_date,
    heightCm: p.height_cm,
    weightKg: p.weight_kg,
    notes: p.notes,
    photoKey: p.photo_key,
    createdAt: p.created_at,
    updatedAt: p.updated_at,
  };
}

/** The JSON shape of a pet (API). */
export function petJson(p: PetView) {
  return {
    id: p.id,
    name: p.name,
    type: p.type,
    breed: p.breed,
    birthDate: p.birthDate,
    heightCm: p.heightCm,
    weightKg: p.weightKg,
    notes: p.notes,
    photoUrl: p.photoKey ? mediaPath(p.photoKey) : null,
    createdAt: p.createdAt.toISOString(),
    updatedAt: p.updatedAt.toISOString(),
  };
}

/** Whole years and months between a birth date and today (for "3 years" / "8 months"). */
export function petAge(birthDate: string, today = new Date()): { years: number; months: number } {
  const [y, m, d] = birthDate.split("-").map(Number);
  let months = (today.getUTCFullYear() - y) * 12 + (today.getUTCMonth() + 1 - m);
  if (today.getUTCDate() < d) months--;
  months = Math.max(0, months);
  return { years: Math.floor(months / 12), months: months % 12 };
}

export function petPrefix(ownerId: string, petId: string): string {
  return `users/${ownerId}/pets/${petId}/`;
}

// ------------------------------------------------------------------ reads

/** Pets of a user, oldest first (callers decide whether the viewer may see them). */
export async function listPetsOf(s: Services, ownerId: string): Promise<PetView[]> {
  const rows = await s.db.selectFrom("pets").selectAll().where("owner_id", "=", ownerId)
    .orderBy("created_at", "asc").orderBy("id", "asc").execute();
  return rows.map(toView);
}

export async function listOwnPets(s: Services, actor: SessionUser | null): Promise<PetView[]> {
  return await listPetsOf(s, requireUser(actor).id);
}

/** The acting user's pet; `NotFoundError` for a missing id and for someone else's pet alike. */
export async function getOwnPet(
  s: Services,
  actor: SessionUser | null,
  id: string,
): Promise<PetView> {
  const user = requireUser(actor);
  if (!isId(id)) throw new NotFoundError();
  const row = await s.db.selectFrom("pets").selectAll()
    .where("id", "=", id).where("owner_id", "=", user.id).executeTakeFirst();
  if (!row) throw new NotFoundError();
  return toView(row);
}

// ----------------------------------------------------------------- writes

/**
 * Reads a pet form sent as `multipart/form-data` (fields and an optional
 * `photo`), storing the photo under the pet's folder. The pet must be the
 * actor's (or `petId` a fresh id for a new pet): nothing is stored for
 * someone else's pet.
 */
export async function receivePetForm(
  s: Services,
  actor: SessionUser | null,
  petId: string,
  req: Request,
): Promise<Upload> {
  const user = requireUser(actor);
  return await receiveUpload(s.storage, req, {
    field: "photo",
    fields: PET_FORM_FIELDS,
    keyFor: (ext) => petPrefix(user.id, petId) + randomName(ext),
  });
}

/** A new id for a pet about to be created (its photo is stored before the row exists). */
export function newPetId(): string {
  return newId();
}

function assertPhotoFor(file: StoredFile, ownerId: string, petId: string): void {
  if (!file.key.startsWith(petPrefix(ownerId, petId))) {
    throw new Error("photo stored outside the pet's folder");
  }
}

/**
 * Creates a pet for the acting user. With `photo` (already stored by
 * `receivePetForm` under `id`), the photo is attached; if the data is
 * invalid the photo is deleted and the ZodError rethrown.
 */
export async function createPet(
  s: Services,
  actor: SessionUser | null,
  input: unknown,
  opts: { id?: string; photo?: StoredFile | null } = {},
): Promise<PetView> {
  const user = requireUser(actor);
  const id = opts.id ?? newId();
  const photo = opts.photo ?? null;
  try {
    if (photo) assertPhotoFor(photo, user.id, id);
    const data = petCreateSchema.parse(input);
    const row = await s.db.insertInto("pets").values({
      id,
      owner_id: user.id,
      name: data.name,
      type: data.type,
      breed: data.breed,
      birth_date: data.birthDate,
      height_cm: data.heightCm ?? null,
      weight_kg: data.weightKg ?? null,
      notes: data.notes ?? null,
      photo_key: photo?.key ?? null,
    }).returningAll().executeTakeFirstOrThrow();
    log.info("pet created", { petId: id });
    return toView(row);
  } catch (e) {
    if (photo) await s.storage.deletePrefix(petPrefix(user.id, id)).catch(() => {});
    throw e;
  }
}

/**
 * Changes the acting user's pet. `photo` replaces the photo (the old file
 * is deleted), `removePhoto` drops it. Someone else's pet: `NotFoundError`,
 * and a photo stored for the attempt is deleted.
 */
export async function updatePet(
  s: Services,
  actor: SessionUser | null,
  id: string,
  input: unknown,
  opts: { photo?: StoredFile | null; removePhoto?: boolean } = {},
): Promise<PetView> {
  const user = requireUser(actor);
  const photo = opts.photo ?? null;
  let oldKey: string | null = null;
  let row: Pet | undefined;
  try {
    if (!isId(id)) throw new NotFoundError();
    if (photo) assertPhotoFor(photo, user.id, id);
    const data = petUpdateSchema.parse(input);
    const values = {
      name: data.name,
      type: data.type,
      breed: data.breed,
      birth_date: data.birthDate,
      height_cm: data.heightCm,
      weight_kg: data.weightKg,
      notes: data.notes,
    };
    const set: Record<string, unknown> = Object.fromEntries(
      Object.entries(values).filter(([, v]) => v !== undefined),
    );
    if (photo) set.photo_key = photo.key;
    else if (opts.removePhoto) set.photo_key = null;
    row = await s.db.transaction().execute(async (trx) => {
      const before = await trx.selectFrom("pets").select("photo_key")
        .where("id", "=", id).where("owner_id", "=", user.id).forUpdate().executeTakeFirst();
      if (!before) throw new NotFoundError();
      oldKey = before.photo_key;
      if (!Object.keys(set).length) {
        return await trx.selectFrom("pets").selectAll().where("id", "=", id)
          .executeTakeFirstOrThrow();
      }
      return await trx.updateTable("pets").set(set).where("id", "=", id)
        .where("owner_id", "=", user.id).returningAll().executeTakeFirstOrThrow();
    });
  } catch (e) {
    if (photo) await s.storage.delete(photo.key).catch(() => {});
    throw e;
  }
  const old: string | null = oldKey;
  if (old && old !== row.photo_key) await deleteReplaced(s.storage, old);
  return toView(row);
}

/** Replaces the photo from an upload request (API: raw image body or multipart `photo`). */
export async function replacePetPhoto(
  s: Services,
  actor: SessionUser | null,
  id: string,
  req: Request,
): Promise<PetView> {
  // Checked first: nothing is stored for a pet that is not the actor's.
  const pet = await getOwnPet(s, actor, id);
  const { file } = await receiveUpload(s.storage, req, {
    field: "photo",
    keyFor: (ext) => petPrefix(pet.ownerId, pet.id) + randomName(ext),
  });
  if (!file) throw new UploadError("required").onField("photo");
  return await updatePet(s, actor, id, {}, { photo: file });
}

/** Deletes the acting user's pet and every file in its folder. */
export async function deletePet(s: Services, actor: SessionUser | null, id: string): Promise<void> {
  const user = requireUser(actor);
  if (!isId(id)) throw new NotFoundError();
  const gone = await s.db.deleteFrom("pets").where("id", "=", id).where("owner_id", "=", user.id)
    .returning("id").executeTakeFirst();
  if (!gone) throw new NotFoundError();
  try {
    await s.storage.deletePrefix(petPrefix(user.id, id));
  } catch (err) {
    log.warn("could not delete a deleted pet's files", { petId: id, err });
  }
  log.info("pet deleted", { petId: id });
}
