/** Response shapes the auth endpoints share (their `openapi` exports). */
import { z } from "zod";
import { ROLES } from "@/db/schema.ts";
import { apiErrorSchema } from "@/http/openapi.ts";
import { tokenPairSchema } from "@/core/auth/tokens.ts";
import type { ApiResponseDoc } from "@/http/api_doc.ts";

export const apiUserSchema = z.object({
  id: z.string(),
  username: z.string(),
  role: z.enum(ROLES as [string, ...string[]]),
  locale: z.enum(["ru", "en"]),
});

/** `{user, tokenType, accessToken, expiresIn, refreshToken, refreshExpiresIn}`. */
export const signedInSchema = tokenPairSchema.extend({ user: apiUserSchema });

export function apiUser(u: { id: string; username: string; role: string; locale: string }) {
  return { id: u.id, username: u.username, role: u.role, locale: u.locale };
}

/** A documented error answer (the shared error body). */
export function err(description: string): ApiResponseDoc {
  return { description, schema: apiErrorSchema };
}

export const INVALID = err("Invalid input (`invalid`, with `fields`)");
export const RATE_LIMITED = err("Too many attempts (`rate_limited`; see Retry-After)");
export const CSRF = err("A cookie call without a valid CSRF token, or a cross-site call (`csrf`)");
export const INVALID_TOKEN = err(
  "The bearer token is invalid, expired or revoked (`invalid_token`; refresh it)",
);
