/**
 * The credential check both sign-in endpoints share (the browser's
 * `/auth/login` and the token API's `/auth/token`): the same rules, rate
 * limits and answers, so neither can drift from the other.
 */
import type { Context } from "@/framework/mod.ts";
import type { State } from "@/define.ts";
import { readJson } from "@/http/forms.ts";
import { jsonError } from "@/http/errors.ts";
import { clientIp } from "@/http/rate_limit.ts";
import { authenticate, type LoginInput } from "@/core/auth/login.ts";

type SignedIn = Extract<Awaited<ReturnType<typeof authenticate>>, { ok: true }>["user"];

/** The signed-in user, or the error answer (401 wrong credentials, 403 disabled). */
export async function checkCredentials(ctx: Context<State>): Promise<SignedIn | Response> {
  const { t, services } = ctx.state;
  const body = await readJson(ctx);
  const result = await authenticate(services, body as LoginInput, { ip: clientIp(ctx) });
  if (result.ok) return result.user;
  return result.reason === "disabled"
    ? jsonError(403, "account_disabled", t("auth.login.disabled"))
    : jsonError(401, "invalid_credentials", t("auth.login.invalid"));
}
