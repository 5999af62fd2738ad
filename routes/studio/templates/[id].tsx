/**
 * `/studio/templates/<id>`: a template's preview (the description rendered
 * as learners will see it) with "use this template" — a POST that creates
 * the viewer's own step from it and opens that step in the editor — and, for
 * its author and staff, "remove" (asks for confirmation first). POSTs are
 * told apart by `_action`: `use`, `remove`, `remove` with `confirm=1`.
 */
import { define } from "@/define.ts";
import { page } from "@/framework/mod.ts";
import { formObject } from "@/http/forms.ts";
import { redirect } from "@/http/responses.ts";
import {
  getTemplate,
  removeTemplate,
  templateToRemove,
  useTemplate,
} from "@/core/studio/templates.ts";
import { formatMmSs } from "@/core/studio/steps.ts";
import { renderMarkdown } from "@/core/markdown.ts";
import { studioStepPath, studioTemplatePath, studioTemplatesPath } from "@/core/paths.ts";
import type { MessageKey } from "@/core/i18n/mod.ts";
import { PageTitle } from "@/components/PageTitle.tsx";
import { ButtonForm } from "@/components/PostForm.tsx";
import { FormNotice } from "@/components/forms.tsx";

export const handler = define.handlers({
  async GET(ctx) {
    const tpl = await getTemplate(ctx.state.services, ctx.state.user, ctx.params.id);
    return page({
      tpl,
      html: renderMarkdown(tpl.description),
      confirmRemove: false,
      saved: ctx.url.searchParams.get("done") === "saved",
    });
  },
  async POST(ctx) {
    const svc = ctx.state.services;
    const id = ctx.params.id;
    const form = await formObject(ctx);
    if (form._action === "remove") {
      if (form.confirm === "1") {
        await removeTemplate(svc, ctx.state.user, id);
        return redirect(studioTemplatesPath() + "?done=removed");
      }
      const tpl = await templateToRemove(svc, ctx.state.user, id);
      return page({
        tpl,
        html: renderMarkdown(tpl.description),
        confirmRemove: true,
        saved: false,
      });
    }
    const stepId = await useTemplate(svc, ctx.state.user, id);
    return redirect(`${studioStepPath(stepId)}?done=created`);
  },
});

export default define.page<typeof handler>(({ data, state }) => {
  const { t } = state;
  const { tpl } = data;
  const action = studioTemplatePath(tpl.id);
  const title = t("studio.templates.one.title", { title: tpl.title });
  return (
    <>
      <PageTitle t={t} title={title} />
      <nav class="breadcrumbs" aria-label="breadcrumbs">
        <a href={studioTemplatesPath()}>{t("studio.templates.back")}</a>
      </nav>
      <h1>{title}</h1>
      {data.saved && <FormNotice>{t("studio.templates.saved")}</FormNotice>}
      {data.confirmRemove && (
        <section class="form-notice form-notice--info" aria-labelledby="remove-title">
          <h2 id="remove-title">{t("studio.templates.remove.title")}</h2>
          <p>{t("studio.templates.remove.text")}</p>
          <div class="form-actions">
            <ButtonForm
              state={state}
              action={action}
              hidden={{ _action: "remove", confirm: "1" }}
              label={t("studio.templates.remove.confirm")}
              variant="danger"
            />
            <a href={action} class="button button--ghost">{t("studio.templates.remove.cancel")}</a>
          </div>
        </section>
      )}
      <dl class="template-facts">
        <dt>{t("studio.templates.type")}</dt>
        <dd>{t(`training.type.${tpl.type}` as MessageKey)}</dd>
        <dt>{t("studio.templates.category")}</dt>
        <dd>{tpl.categoryName ?? t("studio.templates.noCategory")}</dd>
        {tpl.durationSec !== null && (
          <>
            <dt>{t("studio.templates.duration")}</dt>
            <dd>{formatMmSs(tpl.durationSec)}</dd>
          </>
        )}
        {tpl.estimatedSec !== null && (
          <>
            <dt>{t("studio.templates.estimated")}</dt>
            <dd>{t.number(Math.round(tpl.estimatedSec / 60))}</dd>
          </>
        )}
        {tpl.tags.length > 0 && (
          <>
            <dt>{t("studio.templates.tags")}</dt>
            <dd>{tpl.tags.join(", ")}</dd>
          </>
        )}
        <dt>{t("studio.templates.usage")}</dt>
        <dd>{t.plural("studio.templates.uses", tpl.usageCount)}</dd>
        {tpl.authorName && (
          <>
            <dt>{t("studio.templates.author")}</dt>
            <dd>{tpl.authorName}</dd>
          </>
        )}
      </dl>
      <ButtonForm
        state={state}
        action={action}
        hidden={{ _action: "use" }}
        label={t("studio.templates.use")}
        variant="primary"
      />
      <section aria-labelledby="template-content" class="step-preview">
        <h2 id="template-content">{t("studio.templates.content")}</h2>
        {data.html
          ? <div class="prose" dangerouslySetInnerHTML={{ __html: data.html }} />
          : <p class="muted">{t("studio.templates.content.empty")}</p>}
        {tpl.checklistItems.length > 0 && (
          <>
            <h3>{t("studio.templates.checklist")}</h3>
            <ul>{tpl.checklistItems.map((item, i) => <li key={i}>{item}</li>)}</ul>
          </>
        )}
        {tpl.videoUrl && (
          <p>
            {t("studio.templates.video")}: <a href={tpl.videoUrl} rel="noopener">{tpl.videoUrl}</a>
          </p>
        )}
        {tpl.questionCount > 0 && (
          <p>{t.plural("studio.steps.exam.questions", tpl.questionCount)}</p>
        )}
        {tpl.type === "EXAMINATION" && (tpl.requiresWritten || tpl.requiresVideo) && (
          <ul>
            {tpl.requiresWritten && <li>{t("studio.steps.field.requiresWritten")}</li>}
            {tpl.requiresVideo && <li>{t("studio.steps.field.requiresVideo")}</li>}
          </ul>
        )}
      </section>
      {tpl.canRemove && !data.confirmRemove && (
        <ButtonForm
          state={state}
          action={action}
          hidden={{ _action: "remove" }}
          label={t("studio.templates.remove")}
          variant="danger"
          class="studio-delete"
        />
      )}
    </>
  );
});
