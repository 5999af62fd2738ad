/**
 * Re-engagement campaigns: per level, messages sent in the last 30 days,
 * opened, and learners back within 7 days; the campaigns running now and
 * those that ended (core/reengagement/figures.ts). Read-only.
 */
import { define } from "@/define.ts";
import { page } from "@/framework/mod.ts";
import { PageTitle } from "@/components/PageTitle.tsx";
import { campaignFigures, queueCampaignRun } from "@/core/reengagement/figures.ts";
import { redirect } from "@/http/responses.ts";
import { opsCampaignsPath } from "@/core/paths.ts";
import { ActionButton, canWrite, Flash } from "./(_lib)/ui.tsx";
import type { Translator } from "@/core/i18n/mod.ts";

export const handler = define.handlers({
  async GET(ctx) {
    const f = await campaignFigures(ctx.state.services, ctx.state.user);
    const done = ctx.url.searchParams.get("done") === "run";
    return page({ f, done }, { headers: { "cache-control": "no-store" } });
  },
  async POST(ctx) {
    await queueCampaignRun(ctx.state.services, ctx.state.user);
    return redirect(`${opsCampaignsPath()}?done=run`);
  },
});

const pct = (t: Translator, share: number) =>
  t.number(share, { style: "percent", maximumFractionDigits: 1 });

export default define.page<typeof handler>(({ data, state }) => {
  const { t } = state;
  const { f } = data;
  return (
    <>
      <PageTitle t={t} title={t("ops.campaigns.title")} />
      <h1>{t("ops.campaigns.title")}</h1>
      <p class="lead">{t("ops.campaigns.lead")}</p>
      <Flash message={data.done ? t("ops.campaigns.runDone") : null} />
      {!f.enabled && <p class="ops-flash ops-flash--bad" role="status">{t("ops.campaigns.off")}</p>}
      <p class="muted">{t("ops.campaigns.period")}</p>
      {canWrite(state) && f.enabled && (
        <ActionButton
          state={state}
          action={opsCampaignsPath()}
          fields={{}}
          label={t("ops.campaigns.run")}
        />
      )}

      <div class="ops-table-wrap" role="region" aria-labelledby="levels-caption" tabIndex={0}>
        <table class="ops-table">
          <caption id="levels-caption">{t("ops.campaigns.caption")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("ops.campaigns.level")}</th>
              <th scope="col" class="num">{t("ops.campaigns.sent")}</th>
              <th scope="col" class="num">{t("ops.campaigns.clicked")}</th>
              <th scope="col" class="num">{t("ops.campaigns.clickRate")}</th>
              <th scope="col" class="num">{t("ops.campaigns.returned")}</th>
              <th scope="col" class="num">{t("ops.campaigns.returnRate")}</th>
            </tr>
          </thead>
          <tbody>
            {f.levels.map((l) => (
              <tr key={l.level} data-level={l.level}>
                <th scope="row">
                  {l.day === null
                    ? String(l.level)
                    : t("ops.campaigns.levelN", { level: l.level, day: l.day })}
                </th>
                <td class="num" data-col="sent">{t.number(l.sent)}</td>
                <td class="num" data-col="clicked">{t.number(l.clicked)}</td>
                <td class="num" data-col="clickRate">{pct(t, l.clickRate)}</td>
                <td class="num" data-col="returned">{t.number(l.returned)}</td>
                <td class="num" data-col="returnRate">{pct(t, l.returnRate)}</td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr data-level="total">
              <th scope="row">{t("ops.campaigns.total")}</th>
              <td class="num" data-col="sent">{t.number(f.total.sent)}</td>
              <td class="num" data-col="clicked">{t.number(f.total.clicked)}</td>
              <td class="num" data-col="clickRate">{pct(t, f.total.clickRate)}</td>
              <td class="num" data-col="returned">{t.number(f.total.returned)}</td>
              <td class="num" data-col="returnRate">{pct(t, f.total.returnRate)}</td>
            </tr>
          </tfoot>
        </table>
      </div>

      <h2 id="active-heading">{t("ops.campaigns.active")}</h2>
      <p role="status" data-active={f.activeTotal}>
        {t.plural("ops.campaigns.activeCount", f.activeTotal)}
      </p>
      {f.active.length > 0 && (
        <div class="ops-table-wrap" role="region" aria-labelledby="active-caption" tabIndex={0}>
          <table class="ops-table">
            <caption id="active-caption">{t("ops.campaigns.activeCaption")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("ops.campaigns.nextLevel")}</th>
                <th scope="col" class="num">{t("ops.campaigns.count")}</th>
              </tr>
            </thead>
            <tbody>
              {f.active.map((a) => (
                <tr key={a.level}>
                  <th scope="row">{String(a.level)}</th>
                  <td class="num">{t.number(a.count)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      <h2>{t("ops.campaigns.ended")}</h2>
      {f.ended.length === 0
        ? <p class="muted">{t("ops.campaigns.none")}</p>
        : (
          <div class="ops-table-wrap" role="region" aria-labelledby="ended-caption" tabIndex={0}>
            <table class="ops-table">
              <caption id="ended-caption">{t("ops.campaigns.endedCaption")}</caption>
              <thead>
                <tr>
                  <th scope="col">{t("ops.campaigns.reason")}</th>
                  <th scope="col" class="num">{t("ops.campaigns.count")}</th>
                </tr>
              </thead>
              <tbody>
                {f.ended.map((e) => (
                  <tr key={e.reason}>
                    <th scope="row">{t(`ops.campaigns.reason.${e.reason}`)}</th>
                    <td class="num">{t.number(e.count)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
    </>
  );
});
