/**
 * An ordered list of a day's steps or a course's days with "up", "down" and
 * "remove" buttons: each a tiny POST form (no JavaScript needed, reachable by
 * keyboard), its accessible name saying which item it moves. Plus the "add"
 * form: a labelled select of what may be added.
 */
import type { ComponentChildren } from "preact";
import type { State } from "@/define.ts";
import { ButtonForm, PostForm } from "@/components/PostForm.tsx";
import { SelectField } from "@/components/forms.tsx";

export interface OrderedItem {
  linkId: string;
  title: string;
  href?: string;
  meta?: ComponentChildren;
}

function SrButton(
  { state, action, op, linkId, label, text, variant }: {
    state: State;
    action: string;
    op: string;
    linkId: string;
    label: string;
    text: string;
    variant?: "danger";
  },
) {
  return (
    <ButtonForm
      state={state}
      action={action}
      hidden={{ _action: op, linkId }}
      label={
        <>
          <span aria-hidden="true">{text}</span>
          <span class="visually-hidden">{label}</span>
        </>
      }
      variant={variant}
      class="studio-order__op"
    />
  );
}

export function OrderedList(
  { state, action, items, empty }: {
    state: State;
    action: string;
    items: OrderedItem[];
    empty: string;
  },
) {
  const { t } = state;
  if (!items.length) return <p class="empty">{empty}</p>;
  return (
    <ol class="studio-order">
      {items.map((it, i) => (
        <li key={it.linkId} class="studio-order__item">
          <span class="studio-order__title">
            {it.href ? <a href={it.href}>{it.title}</a> : it.title}
            {it.meta && <span class="studio-list__meta">{it.meta}</span>}
          </span>
          <span class="studio-order__ops">
            {i > 0 && (
              <SrButton
                state={state}
                action={action}
                op="up"
                linkId={it.linkId}
                text={t("studio.build.up")}
                label={t("studio.build.moveUp", { title: it.title })}
              />
            )}
            {i < items.length - 1 && (
              <SrButton
                state={state}
                action={action}
                op="down"
                linkId={it.linkId}
                text={t("studio.build.down")}
                label={t("studio.build.moveDown", { title: it.title })}
              />
            )}
            <SrButton
              state={state}
              action={action}
              op="remove"
              linkId={it.linkId}
              text={t("studio.build.remove")}
              label={t("studio.build.removeItem", { title: it.title })}
              variant="danger"
            />
          </span>
        </li>
      ))}
    </ol>
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
