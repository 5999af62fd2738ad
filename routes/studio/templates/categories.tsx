/**
 * `/studio/templates/categories` (ADMIN): the template categories — add one,
 * rename one, delete one that holds no template. POSTs are told apart by
 * `_action` (`create`, `rename`, `delete`, with `id`); a refused change
 * comes back here with its messages next to the form it came from and what
 * was typed. A MODERATOR or TRAINER gets 403 (core/studio/templates.ts).
 */
import { define } from "@/define.ts";
import { page } from "@/framework/mod.ts";
import { formObject } from "@/http/forms.ts";
import { redirect } from "@/http/responses.ts";
import { formFailure } from "@/http/errors.ts";
import { requireRole } from "@/core/auth/guards.ts";
import {
  CategoryNotEmptyError,
  createCategory,
  deleteCategory,
  listCategories,
  renameCategory,
} from "@/core/studio/templates.ts";
import type { FieldErrors } from "@/core/validation.ts";
import { studioTemplateCategoriesPath, studioTemplatesPath } from "@/core/paths.ts";
import { PageTitle } from "@/components/PageTitle.tsx";
import { ButtonForm, PostForm } from "@/components/PostForm.tsx";
import { Field, formBinding, FormNotice, TextareaField } from "@/components/forms.tsx";

const DONE = ["created", "renamed", "deleted"] as const;
type Done = typeof DONE[number];

interface Failed {
  /** The form the failure belongs to: "create" or a category id. */
  form: string;
  values: Record<string, string>;
  errors: FieldErrors;
}

function str(v: unknown): string {
  return typeof v === "string" ? v : "";
}

export const handler = define.handlers({
  async GET(ctx) {
    requireRole(ctx.state.user, ["ADMIN"]);
    const done = ctx.url.searchParams.get("done") ?? "";
    return page({
      categories: await listCategories(ctx.state.services, ctx.state.user),
      done: (DONE as readonly string[]).includes(done) ? done as Done : null,
      failed: null as Failed | null,
    });
  },
  async POST(ctx) {
    requireRole(ctx.state.user, ["ADMIN"]);
    const svc = ctx.state.services;
    const form = await formObject(ctx);
    const action = str(form._action);
    const id = str(form.id);
    let done: Done;
    try {
      if (action === "rename") {
        await renameCategory(svc, ctx.state.user, id, form);
        done = "renamed";
      } else if (action === "delete") {
        await deleteCategory(svc, ctx.state.user, id);
        done = "deleted";
      } else {
        await createCategory(svc, ctx.state.user, form);
        done = "created";
      }
    } catch (err) {
      const failure = err instanceof CategoryNotEmptyError
        ? { status: 409, errors: { _form: err.describe(ctx.state.t) } }
        : formFailure(err, ctx.state.t);
      if (!failure) throw err;
      return page({
        categories: await listCategories(svc, ctx.state.user),
        done: null,
        failed: {
          form: action === "rename" || action === "delete" ? id : "create",
          values: {
            name: str(form.name),
            description: str(form.description),
            icon: str(form.icon),
          },
          errors: failure.errors,
        },
      }, { status: failure.status });
    }
    return redirect(`${studioTemplateCategoriesPath()}?done=${done}`);
  },
});

export default define.page<typeof handler>(({ data, state }) => {
  const { t } = state;
  const path = studioTemplateCategoriesPath();
  const failedFor = (form: string) => data.failed?.form === form ? data.failed : null;
  const create = failedFor("create");
  const createBinding = formBinding<"name" | "description" | "icon">({
    values: create?.values ?? {},
    errors: create?.errors ?? {},
    label: (n) => t(`studio.templates.categories.field.${n}`),
    idPrefix: "new-",
  });
  return (
    <>
      <PageTitle t={t} title={t("studio.templates.categories.title")} />
      <nav class="breadcrumbs" aria-label="breadcrumbs">
        <a href={studioTemplatesPath()}>{t("studio.templates.back")}</a>
      </nav>
      <h1>{t("studio.templates.categories.title")}</h1>
      <p class="lead">{t("studio.templates.categories.lead")}</p>
      {data.done && <FormNotice>{t(`studio.templates.categories.done.${data.done}`)}</FormNotice>}
      <ul class="studio-list">
        {data.categories.map((c) => {
          const failed = failedFor(c.id);
          const b = formBinding<"name">({
            values: { name: failed?.values.name ?? c.name },
            errors: failed?.errors ?? {},
            label: () => t("studio.templates.categories.field.name"),
            idPrefix: `cat-${c.id}-`,
          });
          return (
            <li key={c.id} class="studio-list__item">
              <PostForm
                state={state}
                action={path}
                hidden={{ _action: "rename", id: c.id }}
                errors={failed?.errors}
                labels={b.labels(["name"])}
                idPrefix={`cat-${c.id}-`}
                submit={t("studio.templates.categories.rename")}
              >
                <Field {...b.field("name")} required input={{ maxLength: 100 }} />
              </PostForm>
              <span class="studio-list__meta">
                {t.plural("studio.templates.count", c.templateCount)}
              </span>
              {c.templateCount === 0 && (
                <ButtonForm
                  state={state}
                  action={path}
                  hidden={{ _action: "delete", id: c.id }}
                  label={t("studio.templates.categories.delete", { name: c.name })}
                  variant="danger"
                />
              )}
            </li>
          );
        })}
      </ul>
      <section aria-labelledby="new-category">
        <h2 id="new-category">{t("studio.templates.categories.new")}</h2>
        <PostForm
          state={state}
          action={path}
          hidden={{ _action: "create" }}
          errors={create?.errors}
          labels={createBinding.labels(["name", "description", "icon"])}
          idPrefix="new-"
          submit={t("studio.templates.categories.create")}
        >
          <Field {...createBinding.field("name")} required input={{ maxLength: 100 }} />
          <TextareaField
            {...createBinding.field("description")}
            rows={3}
            maxLength={1000}
            optionalLabel={t("studio.steps.optional")}
          />
          <Field
            {...createBinding.field("icon")}
            optionalLabel={t("studio.steps.optional")}
            input={{ maxLength: 16 }}
          />
        </PostForm>
      </section>
    </>
  );
});
