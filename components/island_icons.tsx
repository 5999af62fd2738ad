/**
 * The icons the islands draw (check, cross, the favourite star) and the SVG
 * frame every icon shares. Islands import `Icon` from here, not from
 * `icons.tsx`, so the browser gets these four shapes instead of all of them
 * (the day page's JavaScript budget); the server-rendered `Icon` of
 * `icons.tsx` draws the same markup for every name.
 */
import type { JSX } from "preact";

// 24×24 outlines, stroked with the current colour; `fill` marks the few solid shapes.
export const ISLAND_SHAPES = {
  check: <path d="M5 12.5l4.5 4.5L19 7.5" />,
  cross: <path d="M6 6l12 12M18 6L6 18" />,
  star: (
    <path
      class="icon__fill"
      d="M12 2.8l2.8 5.9 6.4.8-4.7 4.4 1.2 6.4L12 17.2l-5.7 3.1 1.2-6.4-4.7-4.4 6.4-.8z"
    />
  ),
  starOutline: (
    <path d="M12 2.8l2.8 5.9 6.4.8-4.7 4.4 1.2 6.4L12 17.2l-5.7 3.1 1.2-6.4-4.7-4.4 6.4-.8z" />
  ),
} satisfies Record<string, JSX.Element>;

export type IslandIconName = keyof typeof ISLAND_SHAPES;

/** An icon's SVG (hidden from assistive technology) and, with a label, its visually hidden text. */
export function svgIcon(name: string, shape: JSX.Element, label?: string, cls?: string) {
  return (
    <>
      <svg
        class={`icon icon--${name}${cls ? ` ${cls}` : ""}`}
        viewBox="0 0 24 24"
        width="1em"
        height="1em"
        aria-hidden="true"
        focusable="false"
      >
        {shape}
      </svg>
      {label && <span class="visually-hidden">{label}</span>}
    </>
  );
}

/** `Icon` of `icons.tsx` for the shapes above: the same markup. */
export function Icon(
  { name, label, class: cls }: { name: IslandIconName; label?: string; class?: string },
) {
  return svgIcon(name, ISLAND_SHAPES[name], label, cls);
}
