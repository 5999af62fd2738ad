/**
 * The app's icons, drawn inline as SVG. They were emoji, which show as empty
 * boxes where no emoji font is installed (many Linux desktops, older
 * Androids, kiosks). An icon is 1em square in `currentColor`, so it follows
 * the text it sits in (sizes and colours live in `static/styles.css`, `.icon`).
 *
 * The SVG itself is always hidden from assistive technology. An icon that
 * says something the text beside it does not (a lock with no word "locked")
 * gets a `label`, rendered as visually hidden text; without one it is
 * decorative.
 */
import type { JSX } from "preact";
import { ISLAND_SHAPES, svgIcon } from "./island_icons.tsx";

// 24×24 outlines, stroked with the current colour; `fill` marks the few solid shapes.
const SHAPES = {
  ...ISLAND_SHAPES,
  lock: (
    <>
      <rect x="5" y="11" width="14" height="10" rx="2" />
      <path d="M8 11V7a4 4 0 0 1 8 0v4" />
    </>
  ),
  file: (
    <>
      <path d="M14 3H7a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h10a2 2 0 0 0 2-2V8z" />
      <path d="M14 3v5h5M9 13h6M9 17h6" />
    </>
  ),
  arrowRight: <path d="M4 12h15M13 6l6 6-6 6" />,
  trophy: (
    <>
      <path d="M8 4h8v6a4 4 0 0 1-8 0z" />
      <path d="M8 6H5a3 3 0 0 0 3 5M16 6h3a3 3 0 0 1-3 5M12 14v4M8 21h8M9 18h6" />
    </>
  ),
  target: (
    <>
      <circle cx="12" cy="12" r="9" />
      <circle cx="12" cy="12" r="5" />
      <circle class="icon__fill" cx="12" cy="12" r="1.5" />
    </>
  ),
  flag: <path d="M5 21V4M5 4h12l-2.5 4L17 12H5" />,
  graduation: (
    <>
      <path d="M2 9l10-5 10 5-10 5z" />
      <path d="M6 11v5c3 2.5 9 2.5 12 0v-5M22 9v6" />
    </>
  ),
  crown: <path d="M3 8l4.5 4L12 5l4.5 7L21 8l-2 11H5z" />,
  sprout: (
    <>
      <path d="M12 21v-9" />
      <path d="M12 12C12 8 9 6 5 6c0 4 3 6 7 6zM12 14c0-3 2.5-5 6-5 0 3-2.5 5-6 5z" />
    </>
  ),
  leaf: <path d="M5 19C5 10 10 5 20 4c-1 10-6 15-15 15zM5 19l8-8" />,
  tree: <path d="M12 2l6 8h-3l4 6H5l4-6H6zM12 16v6" />,
  gem: <path d="M6 3h12l4 6-10 12L2 9zM2 9h20M12 21L8 9l4-6 4 6z" />,
  flame: (
    <path d="M12 22c4 0 7-3 7-7 0-4-3-6-4-10-2 2-3 4-3 6-1-1-2-2-2-4-2 2-5 5-5 8 0 4 3 7 7 7z" />
  ),
  bolt: <path d="M13 2L4 14h7l-1 8 9-12h-7z" />,
  sparkles: <path d="M11 3l2 6 6 2-6 2-2 6-2-6-6-2 6-2zM19 2v4M17 4h4M19 17v4M17 19h4" />,
  bird: (
    <>
      <path d="M16 7h.01" />
      <path d="M3.5 18H14a6 6 0 0 0 6-6V7a3 3 0 0 0-5.6-1.5L2 20M20 7l2 .5-2 .5M10 18v3M14 18v3" />
    </>
  ),
  heart: <path d="M12 20s-7-4.5-9-9a5 5 0 0 1 9-3 5 5 0 0 1 9 3c-2 4.5-9 9-9 9z" />,
  dog: (
    <>
      <path d="M8 5C5 4 3 6 3 9l1 4 3-2M16 5c3-1 5 1 5 4l-1 4-3-2" />
      <path d="M7 8.5C7 6 9 5 12 5s5 1 5 3.5V15a5 5 0 0 1-10 0z" />
      <path d="M10 16l2 1.5 2-1.5M10 11h.01M14 11h.01" />
    </>
  ),
  cat: (
    <>
      <path d="M5 3l4 4h6l4-4v10a7 7 0 0 1-14 0z" />
      <path d="M9 12h.01M15 12h.01M10.5 16l1.5 1 1.5-1" />
    </>
  ),
} satisfies Record<string, JSX.Element>;

export type IconName = keyof typeof SHAPES;

export function Icon(
  { name, label, class: cls }: {
    name: IconName;
    /** Text for screen readers when the icon alone carries the meaning. */
    label?: string;
    class?: string;
  },
) {
  return svgIcon(name, SHAPES[name], label, cls);
}
