/**
 * An ordered list of a day's steps or a course's days with "up", "down" and
 * "remove" buttons: each a tiny POST form (no JavaScript needed, reachable by
 * keyboard), its accessible name saying which item it moves; the list is the
 * `ReorderList` island, which adds drag and drop and keyboard moving, saved
 * through the studio API. Plus the "add" form: a labelled select of what may
 * be added.
 */
import type { State } from "@/define.ts";
import { PostForm } from "@/components/PostForm.tsx";
import { SelectField } from "@/components/forms.tsx";
import ReorderList, { type ReorderItem } from "@/islands/ReorderList.tsx";
import { STEP_TYPES } from "@/db/schema.ts";
import type { MessageKey } from "@/core/i18n/mod.ts";

export type OrderedItem = ReorderItem;

export function OrderedList(
  { state, action, api, kind, items, empty }: {
    state: State;
    action: string;
    /** The studio API's `PUT …/order` of this list. */
    api: string;
    kind: "step" | "day";
    items: OrderedItem[];
    empty: string;
  },
) {
  const { t } = state;
  return (
    <ReorderList
      kind={kind}
      items={items}
      action={action}
      api={api}
      csrf={state.csrf()}
      empty={empty}
      labels={{
        up: t("studio.build.up"),
        down: t("studio.build.down"),
        remove: t("studio.build.remove"),
        moveUp: t("studio.build.moveUp"),
        moveDown: t("studio.build.moveDown"),
        removeItem: t("studio.build.removeItem"),
        handle: t("studio.reorder.handle"),
        help: t("studio.reorder.help"),
        grabbed: t("studio.reorder.grabbed"),
        position: t("studio.reorder.position"),
        moved: t(kind === "step" ? "studio.reorder.moved.step" : "studio.reorder.moved.day"),
        cancelled: t("studio.reorder.cancelled"),
        failed: t("studio.reorder.failed"),
        network: t("studio.reorder.network"),
      }}
      typeLabels={Object.fromEntries(
        STEP_TYPES.map((ty) => [ty, t(`training.type.${ty}` as MessageKey)]),
      )}
      stepsLabel={t("studio.courses.days.steps")}
    />
  );
}

export function AddForm(
  { state, action, name, label, choices, none, error }: {
    state: State;
    action: string;
    name: string;
    label: string;
    choices: { id: string; title: string }[];
    none: string;
    error?: string;
  },
) {
  if (!choices.length) return <p class="muted">{none}</p>;
  return (
    <PostForm
      state={state}
      action={action}
      hidden={{ _action: "add" }}
      submit={state.t("studio.build.add")}
      class="studio-add"
      idPrefix="add-"
    >
      <SelectField
        id={`add-${name}`}
        name={name}
        label={label}
        error={error}
        options={choices.map((c) => ({ value: c.id, label: c.title }))}
      />
    </PostForm>
  );
}
