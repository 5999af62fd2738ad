/**
 * /ops/users/<id>/delete: GET asks "are you sure?" (ADMIN; what goes is
 * named), POST deletes through the one erasure path the CLI uses
 * (core/user_admin.ts `deleteUser`) and goes back to the list. An author of
 * content cannot be deleted: the page says so and offers nothing but back.
 */
import { define } from "@/define.ts";
import { page } from "@/framework/mod.ts";
import { PageTitle } from "@/components/PageTitle.tsx";
import { redirect } from "@/http/responses.ts";
import { requireOps } from "@/core/auth/guards.ts";
import { deleteUser, userDetail, UserOwnsContentError } from "@/core/user_admin.ts";
import { opsUserDeletePath, opsUserPath, opsUsersPath } from "@/core/paths.ts";
import { ConfirmBox, Flash } from "../../(_lib)/ui.tsx";

export const handler = define.handlers({
  async GET(ctx) {
    // Only admins may delete: a moderator is refused the question too.
    requireOps(ctx.state.user, { write: true });
    const user = await userDetail(ctx.state.services, ctx.state.user, ctx.params.id);
    return page({ user, error: undefined as string | undefined }, {
      headers: { "cache-control": "no-store" },
    });
  },
  async POST(ctx) {
    const s = ctx.state.services;
    try {
      const r = await deleteUser(s, ctx.state.user, ctx.params.id);
      return redirect(`${opsUsersPath()}?deleted=${encodeURIComponent(r.username)}`, 303);
    } catch (err) {
      if (!(err instanceof UserOwnsContentError)) throw err;
      const user = await userDetail(s, ctx.state.user, ctx.params.id);
      return page({ user, error: ctx.state.t("settings.delete.hasContent") }, { status: 409 });
    }
  },
});

export default define.page<typeof handler>(({ data, state }) => {
  const { t } = state;
  const u = data.user;
  const question = t("admin.user.deleteTitle", { username: u.username });
  return (
    <>
      <PageTitle t={t} title={question} />
      <h1>{question}</h1>
      <Flash message={data.error} kind="bad" />
      {data.error
        ? (
          <p>
            <a href={opsUserPath(u.id)}>← {u.username}</a>
          </p>
        )
        : (
          <>
            <p>{t("admin.user.deleteText")}</p>
            <ConfirmBox
              state={state}
              action={opsUserDeletePath(u.id)}
              fields={{}}
              question={question}
              confirmLabel={t("admin.user.deleteConfirm")}
              cancelHref={opsUserPath(u.id)}
            />
          </>
        )}
    </>
  );
});
