/**
 * Registration: a new account with its profile and the consents the person
 * gave, all in one transaction, so an account never exists without the
 * record of what was agreed to.
 */
import { z } from "zod";
import type { Services } from "../services.ts";
import type { ConsentType, Role } from "@/db/schema.ts";
import { createUser, emailSchema, usernameSchema } from "../users.ts";
import { checkbox, newPasswordFields, withMatchingRepeat } from "./schemas.ts";
import { newId } from "@/platform/ids.ts";
import { log } from "@/platform/log.ts";
import { enforce, RATE_RULES } from "../rate_limit.ts";

/**
 * Version of the consent texts (personal data, privacy policy, public
 * profile). Change it together with the texts: every acceptance row records
 * the version the person saw.
 */
export const CONSENT_VERSION = "2026-03-01";

/** Where a request came from: limits registrations per IP, and is kept with the consents. */
export interface RequestMeta {
  ip: string;
  userAgent?: string | null;
}

const requiredConsent = checkbox.refine((v) => v, { error: "auth.consent.required" });

export const registerSchema = withMatchingRepeat(z.object({
  username: usernameSchema,
  // An empty field means "no email".
  email: z.preprocess(
    (v) => (typeof v === "string" && v.trim() === "" ? undefined : v),
    emailSchema.optional(),
  ),
  ...newPasswordFields,
  consentPersonalData: requiredConsent,
  consentPrivacyPolicy: requiredConsent,
  // Optional: it only decides whether the profile is visible to others.
  consentPublicProfile: checkbox.default(false),
  locale: z.enum(["ru", "en"]).default("ru"),
}));

export type RegisterInput = z.input<typeof registerSchema>;

export interface RegisteredUser {
  id: string;
  username: string;
  role: Role;
  sessionVersion: number;
}

/**
 * Creates the account. Throws a ZodError for bad input, `RateLimitedError`
 * over the per-address limits, and `UserExistsError`
 * when the username or email is taken: callers show one neutral message for
 * both, so nobody learns which accounts exist. The password is hashed before
 * the insert in both cases, so the answer takes the same time either way.
 */
export async function registerUser(
  s: Services,
  input: RegisterInput,
  meta: RequestMeta,
): Promise<RegisteredUser> {
  const data = registerSchema.parse(input);
  // Counted after validation, so typos in the form do not use up attempts;
  // per address per hour (an office signs up together) and per day (a flood).
  await enforce(s.kv, RATE_RULES.registerIp, meta.ip);
  await enforce(s.kv, RATE_RULES.registerIpDay, meta.ip);
  const consents: ConsentType[] = ["PERSONAL_DATA", "PRIVACY_POLICY"];
  if (data.consentPublicProfile) consents.push("PUBLIC_PROFILE");
  const { id, sessionVersion } = await createUser(s, {
    username: data.username,
    password: data.password,
    email: data.email,
    role: "USER",
    locale: data.locale,
  }, {
    public: data.consentPublicProfile,
    within: async (trx, userId) => {
      await trx.insertInto("consents").values(consents.map((type) => ({
        id: newId(),
        user_id: userId,
        type,
        version: CONSENT_VERSION,
        ip: meta.ip.slice(0, 64) || null,
        user_agent: meta.userAgent?.slice(0, 1000) || null,
      }))).execute();
    },
  });
  log.info("user registered", { userId: id, consents });
  return { id, username: data.username, role: "USER", sessionVersion };
}
