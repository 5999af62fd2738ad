/**
 * The Telegram section's actions (the section itself is on /settings,
 * components/TelegramSettings.tsx). `connect` answers with a page holding the
 * one-time deep link as a button (no redirect: the token must not sit in a
 * URL or the history; the page is not stored); `unlink` unlinks the
 * signed-in user's own chat and goes back to /settings with a notice.
 */
import { define } from "@/define.ts";
import { HttpError, page } from "@/framework/mod.ts";
import { formObject } from "@/http/forms.ts";
import { redirect } from "@/http/responses.ts";
import { formFailure } from "@/http/errors.ts";
import { requireUser } from "@/core/auth/guards.ts";
import { botUsername, issueLinkToken, unlinkAccount } from "@/core/telegram/link.ts";
import { settingsPath } from "@/core/paths.ts";
import { PageTitle } from "@/components/PageTitle.tsx";
import { buttonClass, ErrorSummary } from "@/components/forms.tsx";

interface Data {
  link?: { url: string; token: string; bot: string };
  error?: string;
}

const NO_STORE = { "cache-control": "no-store" };

export const handler = define.handlers<Data>({
  GET() {
    return redirect(settingsPath(undefined, "h-telegram"), 303);
  },
  async POST(ctx) {
    const user = requireUser(ctx.state.user);
    const s = ctx.state.services;
    const form = await formObject(ctx);
    const action = form._action;
    if (action === "unlink") {
      await unlinkAccount(s, user);
      return redirect(settingsPath("telegramUnlinked", "h-telegram"), 303);
    }
    if (action !== "connect") throw new HttpError(400, "unknown telegram action");
    try {
      const link = await issueLinkToken(s, user);
      return page({ link: { url: link.url, token: link.token, bot: botUsername(s)! } }, {
        headers: NO_STORE,
      });
    } catch (err) {
      const failure = formFailure(err, ctx.state.t);
      if (!failure) throw err;
      const headers = new Headers(failure.headers);
      headers.set("cache-control", NO_STORE["cache-control"]);
      const error = failure.errors._form ?? Object.values(failure.errors)[0];
      return page({ error }, { status: failure.status, headers });
    }
  },
});

export default define.page<typeof handler>(({ data, state }) => {
  const { t } = state;
  return (
    <div class="settings">
      <PageTitle t={t} title={t("settings.telegram.link.title")} />
      <h1>{t("settings.telegram.link.title")}</h1>
      {data.error && (
        <ErrorSummary errors={{ _form: data.error }} title={t("settings.telegram.link.title")} />
      )}
      {data.link && (
        <>
          <p>{t("settings.telegram.link.text")}</p>
          <p>
            <a class={buttonClass("primary")} href={data.link.url} rel="noopener">
              {t("settings.telegram.link.open")}
            </a>
          </p>
          <p>{t("settings.telegram.link.manual", { bot: data.link.bot })}</p>
          <p>
            <code class="telegram-start">/start {data.link.token}</code>
          </p>
        </>
      )}
      <p>
        <a href={settingsPath(undefined, "h-telegram")}>{t("settings.telegram.link.back")}</a>
      </p>
    </div>
  );
});
