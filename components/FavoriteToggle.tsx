/**
 * The favourite star of a course. Signed in: a tiny POST form (works without
 * JavaScript: `/favorites` sets the state and redirects back) around the
 * FavoriteStar island (with JavaScript: fetch, in place). Visitors: a link to
 * sign in — no form, so pages for visitors stay cacheable.
 */
import type { State } from "@/define.ts";
import type { Translator } from "@/core/i18n/mod.ts";
import { CsrfField } from "./CsrfField.tsx";
import { Icon } from "./icons.tsx";
import FavoriteStar from "@/islands/FavoriteStar.tsx";
import { loginPath } from "@/core/paths.ts";

type StarLabels = {
  add: string;
  remove: string;
  added: string;
  removed: string;
  failed: string;
};
const labelCache = new WeakMap<Translator, StarLabels>();

/** One labels object per language: islands' props are serialized with shared values once per page. */
function starLabels(t: Translator): StarLabels {
  let labels = labelCache.get(t);
  if (!labels) {
    labels = {
      add: t.raw("favorite.add") as string,
      remove: t.raw("favorite.remove") as string,
      added: t("favorite.added"),
      removed: t("favorite.removed"),
      failed: t("favorite.failed"),
    };
    labelCache.set(t, labels);
  }
  return labels;
}

export function FavoriteToggle(
  { state, slug, name, starred, back }: {
    state: State;
    slug: string;
    name: string;
    starred: boolean;
    /** Where the no-JS form returns to (same-site path). */
    back: string;
  },
) {
  const { t } = state;
  if (!state.user) {
    return (
      <a
        class="fav fav__button fav--signin"
        href={loginPath(back)}
        aria-label={t("favorite.signIn")}
        title={t("favorite.signIn")}
      >
        <Icon name="starOutline" />
      </a>
    );
  }
  return (
    <form method="post" action="/favorites" class="fav-form">
      <CsrfField state={state} />
      <input type="hidden" name="slug" value={slug} />
      <input type="hidden" name="favorite" value={starred ? "false" : "true"} />
      <input type="hidden" name="next" value={back} />
      <FavoriteStar
        slug={slug}
        name={name}
        starred={starred}
        csrf={state.csrf()}
        labels={starLabels(t)}
      />
    </form>
  );
}
