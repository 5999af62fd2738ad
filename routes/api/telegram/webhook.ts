/**
 * Telegram's webhook (TELEGRAM_MODE=webhook). Exempt from CSRF (http/csrf.ts):
 * it proves itself with the secret token header on every request — wrong or
 * missing → 401 and nothing is handled. Answers 200 once the update is
 * handled (or handling is under way), so Telegram does not redeliver.
 */
import { define } from "@/define.ts";
import { readJson } from "@/http/forms.ts";
import { jsonError } from "@/http/errors.ts";
import { NotFoundError } from "@/core/auth/guards.ts";
import { log } from "@/platform/log.ts";
import { receiveUpdate, SECRET_HEADER, updateSchema, webhookSecretMatches } from "@/bot/webhook.ts";

const MAX_UPDATE_BYTES = 1024 * 1024;

export const handler = define.handlers({
  async POST(ctx) {
    const { services: s, t } = ctx.state;
    const tg = s.config.telegram;
    if (!tg || tg.mode !== "webhook") throw new NotFoundError();
    if (!await webhookSecretMatches(tg.webhookSecret, ctx.req.headers.get(SECRET_HEADER))) {
      return jsonError(401, "unauthorized", t("error.401.text"));
    }
    const update = updateSchema.safeParse(await readJson(ctx, MAX_UPDATE_BYTES));
    if (!update.success) return jsonError(400, "bad_update", t("error.400.text"));
    try {
      await receiveUpdate(s, update.data);
    } catch (err) {
      // getMe failed (Telegram unreachable): 503 makes Telegram deliver it again later.
      log.warn("telegram webhook: bot not ready", { err });
      return jsonError(503, "bot_unavailable", t("error.500.text"));
    }
    return new Response(null, { status: 200 });
  },
});
