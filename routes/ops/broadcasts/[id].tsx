/**
 * /ops/broadcasts/<id>: a draft shows each language's version as the
 * recipients will see it in their notifications, and how many learners the
 * segment holds now; an admin sends it (POST `_action=send`) or deletes it
 * (`_action=discard`). Once confirmed, the page shows sent of total and
 * refreshes itself every few seconds while the job runs (no JavaScript).
 */
import { define } from "@/define.ts";
import { Head, HttpError, page } from "@/framework/mod.ts";
import { PageTitle } from "@/components/PageTitle.tsx";
import { formObject } from "@/http/forms.ts";
import { redirect } from "@/http/responses.ts";
import {
  confirmBroadcast,
  countRecipients,
  discardBroadcast,
  getBroadcast,
} from "@/core/broadcasts.ts";
import { translator } from "@/core/i18n/mod.ts";
import { opsBroadcastPath, opsBroadcastsPath } from "@/core/paths.ts";
import { ActionButton, Badge, canWrite, when } from "../(_lib)/ui.tsx";
import { SegmentName } from "./(_lib)/segment.tsx";

const REFRESH_SEC = 3;

export const handler = define.handlers({
  async GET(ctx) {
    const s = ctx.state.services;
    const b = await getBroadcast(s, ctx.state.user, ctx.params.id);
    const recipients = b.status === "draft"
      ? await countRecipients(s, ctx.state.user, b.segment)
      : b.total;
    return page({ b, recipients }, { headers: { "cache-control": "no-store" } });
  },
  async POST(ctx) {
    const s = ctx.state.services;
    const form = await formObject(ctx);
    if (form._action === "send") {
      const b = await confirmBroadcast(s, ctx.state.user, ctx.params.id);
      return redirect(opsBroadcastPath(b.id), 303);
    }
    if (form._action === "discard") {
      await discardBroadcast(s, ctx.state.user, ctx.params.id);
      return redirect(opsBroadcastsPath(), 303);
    }
    throw new HttpError(400, "unknown action");
  },
});

export default define.page<typeof handler>(({ data, state }) => {
  const { t } = state;
  const { b } = data;
  const title = (b.texts.ru ?? b.texts.en)!.title;
  const pct = b.total > 0 ? Math.round(b.sent / b.total * 100) : 100;
  return (
    <>
      <PageTitle t={t} title={`${t("admin.broadcasts.one")}: ${title}`} />
      {b.status === "sending" && (
        <Head>
          <meta http-equiv="refresh" content={String(REFRESH_SEC)} />
        </Head>
      )}
      <p>
        <a href={opsBroadcastsPath()}>{t("admin.broadcasts.back")}</a>
      </p>
      <h1>{title}</h1>
      <p>
        <Badge kind={b.status === "done" ? "done" : b.status === "sending" ? "active" : "paused"}>
          {t(`admin.broadcasts.status.${b.status}`)}
        </Badge>{" "}
        <SegmentName t={t} broadcast={b} />
      </p>

      <section aria-labelledby="h-preview">
        <h2 id="h-preview">{t("admin.broadcasts.previewTitle")}</h2>
        <div class="admin-previews">
          {(["ru", "en"] as const).map((lang) => {
            const text = b.texts[lang];
            if (!text) return null;
            // Rendered through the same message keys `notify` uses, in the recipient's language.
            const rt = translator(lang);
            return (
              <article key={lang} class="admin-preview" lang={lang} data-lang={lang}>
                <p class="muted">
                  {t("admin.broadcasts.previewLang", { lang: t(`admin.broadcasts.lang.${lang}`) })}
                </p>
                <h3>{rt("broadcast.title", { title: text.title })}</h3>
                <p>{rt("broadcast.body", { body: text.body })}</p>
                {b.url && (
                  <p>
                    <a href={b.url}>{b.url}</a>
                  </p>
                )}
              </article>
            );
          })}
        </div>
      </section>

      {b.status === "draft"
        ? (
          <section aria-labelledby="h-send">
            <h2 id="h-send" data-recipients={data.recipients}>
              {t.plural("admin.broadcasts.recipients", data.recipients)}
            </h2>
            {canWrite(state) && (
              <div class="ops-actions">
                <ActionButton
                  state={state}
                  action={opsBroadcastPath(b.id)}
                  fields={{ _action: "send" }}
                  label={t("admin.broadcasts.send")}
                />
                <ActionButton
                  state={state}
                  action={opsBroadcastPath(b.id)}
                  fields={{ _action: "discard" }}
                  label={t("admin.broadcasts.discard")}
                  danger
                />
              </div>
            )}
          </section>
        )
        : (
          <section aria-labelledby="h-progress">
            <h2 id="h-progress">{t("admin.broadcasts.progress")}</h2>
            <p role="status" aria-live="polite" data-sent={b.sent} data-total={b.total}>
              {t("admin.broadcasts.sentOf", { sent: t.number(b.sent), total: t.number(b.total) })}
            </p>
            <progress
              max={100}
              value={pct}
              aria-label={t("admin.broadcasts.progress")}
            >
              {pct}%
            </progress>
            {b.status === "sending" && <p class="muted">{t("admin.broadcasts.refreshing")}</p>}
            {b.finishedAt && (
              <p class="muted">
                {t("admin.broadcasts.finished", { when: when(state, b.finishedAt) })}
              </p>
            )}
          </section>
        )}
    </>
  );
});
