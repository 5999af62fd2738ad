import type { ComponentChildren } from "preact";

export interface Fact {
  label: ComponentChildren;
  value: ComponentChildren;
  /** Takes the whole row (long text). */
  wide?: boolean;
}

/**
 * A definition list of short facts (a course's level and author, a pet's
 * breed and age …); left-out facts (`false`, `null`) are skipped.
 */
export function Facts({ items }: { items: (Fact | false | null | undefined | "")[] }) {
  return (
    <dl class="facts">
      {items.filter((f): f is Fact => !!f).map((f, i) => (
        <div key={i} class={f.wide ? "facts__wide" : undefined}>
          <dt>{f.label}</dt>
          <dd>{f.value}</dd>
        </div>
      ))}
    </dl>
  );
}
