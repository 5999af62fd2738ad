/**
 * `POST /api/v1/auth/password-reset` `{login, channel?}` → 202 `{ok: true}`:
 * the same neutral answer as the web form whether or not the account exists
 * (core/auth/password_reset.ts sends the link by email or Telegram).
 */
import { z } from "zod";
import { define } from "@/define.ts";
import { readJson } from "@/http/forms.ts";
import { clientIp } from "@/http/rate_limit.ts";
import { requestPasswordReset, RESET_CHANNELS } from "@/core/auth/password_reset.ts";
import type { ApiDoc } from "@/http/api_doc.ts";
import { err, INVALID, RATE_LIMITED } from "./(_lib)/schemas.ts";

export const handler = define.handlers({
  async POST(ctx) {
    const body = await readJson(ctx);
    await requestPasswordReset(
      ctx.state.services,
      body as Parameters<typeof requestPasswordReset>[1],
      { ip: clientIp(ctx) },
    );
    return Response.json({ ok: true, message: ctx.state.t("auth.reset.sent") }, {
      status: 202,
      headers: { "cache-control": "no-store" },
    });
  },
});

export const openapi: ApiDoc = {
  POST: {
    summary: "Ask for a password reset link",
    description: "The answer is the same whether or not the account exists. The link goes " +
      "to the account's email or linked Telegram chat; a password set through it ends every " +
      "session and every token.",
    tags: ["auth"],
    auth: "none",
    body: z.object({
      login: z.string().describe("Username or email"),
      channel: z.enum(RESET_CHANNELS).optional().describe("Preferred channel; default email"),
    }),
    responses: {
      202: {
        description: "Accepted (neutral)",
        schema: z.object({ ok: z.literal(true), message: z.string() }),
      },
      400: INVALID,
      403: err("A cross-site call (`csrf`)"),
      413: err("Body too large"),
      429: RATE_LIMITED,
    },
  },
};
