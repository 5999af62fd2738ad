import type { ComponentChildren } from "preact";

/**
 * A titled part of a page: a `<section>` named by its `<h2>`, so screen
 * readers list it among the page's regions. `id` is the heading's id.
 */
export function Section(
  { id, title, class: cls, titleClass, children }: {
    id: string;
    title: ComponentChildren;
    class?: string;
    /** E.g. "visually-hidden": a name for screen readers only. */
    titleClass?: string;
    children?: ComponentChildren;
  },
) {
  return (
    <section class={cls} aria-labelledby={id}>
      <h2 id={id} class={titleClass}>{title}</h2>
      {children}
    </section>
  );
}
