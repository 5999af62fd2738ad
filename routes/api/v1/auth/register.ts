/**
 * `POST /api/v1/auth/register` → 201 `{user, …tokens}`: a new account with
 * the same rules and consents as the web form (core/auth/register.ts), signed
 * in to the token API at once. A taken username or email is one neutral 422.
 */
import { z } from "zod";
import { define } from "@/define.ts";
import { readJson } from "@/http/forms.ts";
import { requestMeta } from "@/http/rate_limit.ts";
import { type RegisterInput, registerUser } from "@/core/auth/register.ts";
import { issueTokens } from "@/core/auth/tokens.ts";
import type { ApiDoc } from "@/http/api_doc.ts";
import { apiUser, err, INVALID, RATE_LIMITED, signedInSchema } from "./(_lib)/schemas.ts";

export const handler = define.handlers({
  async POST(ctx) {
    const { services, locale } = ctx.state;
    const body = await readJson(ctx);
    const input = (body && typeof body === "object" ? body : {}) as Partial<RegisterInput>;
    // Without a language of its own, the account takes the caller's.
    const user = await registerUser(services, { locale, ...input } as RegisterInput, {
      ...requestMeta(ctx),
    });
    const tokens = await issueTokens(services, user, {
      userAgent: ctx.req.headers.get("user-agent"),
    });
    return Response.json(
      { user: apiUser({ ...user, locale: input.locale ?? locale }), ...tokens },
      { status: 201, headers: { "cache-control": "no-store" } },
    );
  },
});

/** The JSON the endpoint reads (core/auth/register.ts validates it with the web form's rules). */
const registerBody = z.object({
  username: z.string().describe("3–30 characters: Latin letters, digits, `_`"),
  email: z.string().optional().describe("Optional; needed for password reset by email"),
  password: z.string(),
  passwordRepeat: z.string(),
  consentPersonalData: z.boolean().describe("Must be true"),
  consentPrivacyPolicy: z.boolean().describe("Must be true"),
  consentPublicProfile: z.boolean().optional().describe("Profile visible to others"),
  locale: z.enum(["ru", "en"]).optional().describe("Default: the caller's Accept-Language"),
});

export const openapi: ApiDoc = {
  POST: {
    summary: "Create an account and sign in",
    description: "The same rules and consents as the registration form; answers tokens " +
      "as `/api/v1/auth/token` does.",
    tags: ["auth"],
    auth: "none",
    body: registerBody,
    responses: {
      201: { description: "Registered and signed in", schema: signedInSchema },
      400: INVALID,
      403: err("A cross-site call (`csrf`)"),
      413: err("Body too large"),
      422: err("The username or the email is taken (`taken`, one message for both)"),
      429: RATE_LIMITED,
    },
  },
};
