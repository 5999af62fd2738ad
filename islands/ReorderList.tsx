/**
 * A day's steps or a course's days in order, movable by drag and drop.
 *
 * The server renders the same list (this component) with "up", "down" and
 * "remove" as tiny POST forms, which keep working without JavaScript and from
 * the keyboard. Once hydrated, each item also gets a handle:
 *
 * - pointer (mouse, touch, pen): drag the handle; a line shows where the item
 *   will land; letting go saves;
 * - keyboard: Space or Enter picks the item up, arrows move it, Space or Enter
 *   drops it (saves), Escape puts it back;
 * - every step is announced in the `aria-live` region, in the user's language.
 *
 * A save sends the whole new order and the order it was made from (`seen`)
 * in one `PUT`; when someone else changed the list meanwhile the server
 * answers 409 with the current list, which is shown instead, and said so.
 * Written without a drag library: native pointer events and a few lines of
 * geometry cost less than any library's chunk (the studio's JS budget).
 */
import { useLayoutEffect, useRef, useState } from "preact/hooks";
import { fill } from "@/core/i18n/format.ts";
import { buttonClass, HiddenFields } from "@/components/forms.tsx";
import { studioDayPath, studioStepPath } from "@/core/paths.ts";

export interface ReorderItem {
  linkId: string;
  title: string;
  href?: string;
  meta?: string;
}

export interface ReorderLabels {
  up: string;
  down: string;
  remove: string;
  /** Templates with `{title}`. */
  moveUp: string;
  moveDown: string;
  removeItem: string;
  handle: string;
  /** How to move with keys or a pointer (the handles' description). */
  help: string;
  /** Templates with `{title}`, `{pos}`, `{total}`. */
  grabbed: string;
  position: string;
  moved: string;
  cancelled: string;
  /** Template with `{message}`. */
  failed: string;
  network: string;
}

interface Props {
  kind: "step" | "day";
  items: ReorderItem[];
  /** The page the no-JS forms post to. */
  action: string;
  /** `PUT` the whole order here. */
  api: string;
  csrf: string;
  empty: string;
  labels: ReorderLabels;
  /** Step type → its name (the meta line of a day's steps after a reload from the API). */
  typeLabels: Record<string, string>;
  /** "steps: {n}" (the meta line of a course's days). */
  stepsLabel: string;
}

/** The links of a day or course as the API answers them. */
interface ApiLink {
  linkId: string;
  title: string;
  stepId?: string;
  type?: string;
  dayId?: string;
  stepCount?: number;
}

interface ApiAnswer {
  order?: string[];
  steps?: ApiLink[];
  days?: ApiLink[];
  message?: string;
}

function move<T>(list: T[], from: number, to: number): T[] {
  const out = [...list];
  const [x] = out.splice(from, 1);
  out.splice(to, 0, x);
  return out;
}

/** Pointer drag in progress: `gap` is where it would land (0…n, before row `gap`). */
interface Drag {
  linkId: string;
  from: number;
  startY: number;
  pointerId: number;
  started: boolean;
  gap: number;
}

export default function ReorderList(p: Props) {
  const { labels } = p;
  const [items, setItems] = useState(p.items);
  const [live, setLive] = useState(false);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState("");
  const [grab, setGrab] = useState<{ linkId: string; original: ReorderItem[] } | null>(null);
  const [drag, setDrag] = useState<Drag | null>(null);
  const seen = useRef(p.items.map((i) => i.linkId));
  const list = useRef<HTMLOListElement>(null);
  const helpId = `reorder-help-${p.kind}`;

  useLayoutEffect(() => setLive(true), []);
  // Moving rows may move the focused handle in the DOM: keep focus on it.
  useLayoutEffect(() => {
    if (!grab) return;
    const h = list.current?.querySelector<HTMLElement>(`[data-handle="${grab.linkId}"]`);
    if (h && document.activeElement !== h) h.focus();
  }, [grab, items]);

  const say = (tpl: string, it: ReorderItem, at: number, total = items.length) =>
    setMessage(fill(tpl, { title: it.title, pos: at + 1, total }));

  function fromApi(body: ApiAnswer): ReorderItem[] | null {
    const links = p.kind === "step" ? body.steps : body.days;
    if (!Array.isArray(links) || !Array.isArray(body.order)) return null;
    return links.map((l) => ({
      linkId: l.linkId,
      title: l.title,
      href: l.stepId ? studioStepPath(l.stepId) : l.dayId ? studioDayPath(l.dayId) : undefined,
      meta: l.type ? p.typeLabels[l.type] ?? l.type : fill(p.stepsLabel, { n: l.stepCount ?? 0 }),
    }));
  }

  async function save(next: ReorderItem[], before: ReorderItem[], moved: ReorderItem) {
    setItems(next);
    setBusy(true);
    let body: ApiAnswer = {};
    let status = 0;
    try {
      const res = await fetch(p.api, {
        method: "PUT",
        headers: {
          "x-csrf-token": p.csrf,
          "content-type": "application/json",
          accept: "application/json",
        },
        credentials: "same-origin",
        body: JSON.stringify({ order: next.map((i) => i.linkId), seen: seen.current }),
      });
      status = res.status;
      body = await res.json().catch(() => ({}));
    } catch {
      status = 0;
    }
    setBusy(false);
    const current = fromApi(body);
    if ((status === 200 || status === 409) && current) {
      setItems(current);
      seen.current = body.order!;
      if (status === 200) {
        const at = current.findIndex((i) => i.linkId === moved.linkId);
        say(labels.moved, moved, at, current.length);
      } else setMessage(body.message ?? "");
      return;
    }
    setItems(before);
    setMessage(fill(labels.failed, { message: body.message ?? labels.network }));
  }

  function onKey(e: KeyboardEvent, it: ReorderItem) {
    const i = items.findIndex((x) => x.linkId === it.linkId);
    const pick = e.key === " " || e.key === "Enter";
    if (!grab) {
      if (!pick || busy) return;
      e.preventDefault();
      setGrab({ linkId: it.linkId, original: items });
      say(labels.grabbed, it, i);
      return;
    }
    if (grab.linkId !== it.linkId) return;
    if (e.key === "ArrowUp" || e.key === "ArrowDown" || e.key === "Home" || e.key === "End") {
      e.preventDefault();
      const to = e.key === "Home"
        ? 0
        : e.key === "End"
        ? items.length - 1
        : Math.max(0, Math.min(items.length - 1, i + (e.key === "ArrowUp" ? -1 : 1)));
      if (to !== i) setItems(move(items, i, to));
      say(labels.position, it, to);
    } else if (pick) {
      e.preventDefault();
      setGrab(null);
      const from = grab.original.findIndex((x) => x.linkId === it.linkId);
      if (from === i) say(labels.cancelled, it, i);
      else save(items, grab.original, it);
    } else if (e.key === "Escape") {
      e.preventDefault();
      cancel();
    }
  }

  function cancel() {
    if (!grab) return;
    const original = grab.original;
    const at = original.findIndex((x) => x.linkId === grab.linkId);
    setItems(original);
    setGrab(null);
    if (at >= 0) say(labels.cancelled, original[at], at, original.length);
  }

  function onBlur(it: ReorderItem) {
    // Tabbing away while carrying an item puts it back (focus moves only by the user).
    requestAnimationFrame(() => {
      const h = list.current?.querySelector(`[data-handle="${it.linkId}"]`);
      if (grab?.linkId === it.linkId && document.activeElement !== h) cancel();
    });
  }

  /** Where a pointer at `y` would put the item: before row `gap` (n: at the end). */
  function gapAt(y: number): number {
    const rows = list.current?.querySelectorAll<HTMLElement>(":scope > li") ?? [];
    let gap = 0;
    for (const row of rows) {
      const r = row.getBoundingClientRect();
      if (y > r.top + r.height / 2) gap++;
    }
    return gap;
  }

  function onPointerDown(e: PointerEvent, i: number) {
    if (busy || grab || (e.pointerType === "mouse" && e.button !== 0)) return;
    e.preventDefault();
    (e.currentTarget as HTMLElement).setPointerCapture(e.pointerId);
    setDrag({
      linkId: items[i].linkId,
      from: i,
      startY: e.clientY,
      pointerId: e.pointerId,
      started: false,
      gap: i,
    });
  }

  function onPointerMove(e: PointerEvent) {
    if (!drag || e.pointerId !== drag.pointerId) return;
    const started = drag.started || Math.abs(e.clientY - drag.startY) > 4;
    if (started) setDrag({ ...drag, started, gap: gapAt(e.clientY) });
  }

  function onPointerUp(e: PointerEvent) {
    if (!drag || e.pointerId !== drag.pointerId) return;
    setDrag(null);
    const { from, gap, started } = drag;
    if (!started || gap === from || gap === from + 1) return;
    const to = gap > from ? gap - 1 : gap;
    const it = items[from];
    save(move(items, from, to), items, it);
  }

  if (!items.length) return <p class="empty">{p.empty}</p>;
  const landing = drag?.started && drag.gap !== drag.from && drag.gap !== drag.from + 1
    ? drag.gap
    : -1;
  return (
    <div class="studio-reorder">
      {live && <p id={helpId} class="visually-hidden">{labels.help}</p>}
      <ol class="studio-order" ref={list} aria-busy={busy} data-reorder={p.kind}>
        {items.map((it, i) => {
          const cls = ["studio-order__item"];
          if (grab?.linkId === it.linkId) cls.push("studio-order__item--grabbed");
          if (drag?.started && drag.linkId === it.linkId) cls.push("studio-order__item--dragging");
          if (landing === i) cls.push("studio-order__item--drop-before");
          if (landing === items.length && i === items.length - 1) {
            cls.push("studio-order__item--drop-after");
          }
          return (
            <li key={it.linkId} class={cls.join(" ")} data-link={it.linkId}>
              {live && (
                <button
                  type="button"
                  class="studio-order__handle"
                  data-handle={it.linkId}
                  aria-describedby={helpId}
                  aria-pressed={grab?.linkId === it.linkId}
                  // Not \`disabled\` while saving: that would drop the keyboard focus.
                  aria-disabled={busy || undefined}
                  onKeyDown={(e) => onKey(e, it)}
                  onBlur={() => onBlur(it)}
                  onPointerDown={(e) => onPointerDown(e, i)}
                  onPointerMove={onPointerMove}
                  onPointerUp={onPointerUp}
                  onPointerCancel={() => setDrag(null)}
                >
                  <span aria-hidden="true">⠿</span>
                  <span class="visually-hidden">{fill(labels.handle, { title: it.title })}</span>
                </button>
              )}
              <span class="studio-order__title">
                {it.href ? <a href={it.href}>{it.title}</a> : it.title}
                {it.meta && <span class="studio-list__meta">{it.meta}</span>}
              </span>
              <span class="studio-order__ops">
                {i > 0 && <Op p={p} op="up" it={it} text={labels.up} label={labels.moveUp} />}
                {i < items.length - 1 && (
                  <Op p={p} op="down" it={it} text={labels.down} label={labels.moveDown} />
                )}
                <Op
                  p={p}
                  op="remove"
                  it={it}
                  text={labels.remove}
                  label={labels.removeItem}
                  danger
                />
              </span>
            </li>
          );
        })}
      </ol>
      <p class="visually-hidden" aria-live="assertive" aria-atomic="true">{message}</p>
    </div>
  );
}

/** One no-JS button form (up, down, remove), named after the item it acts on. */
function Op(
  { p, op, it, text, label, danger }: {
    p: Props;
    op: string;
    it: ReorderItem;
    text: string;
    label: string;
    danger?: boolean;
  },
) {
  return (
    <form method="post" action={p.action} class="studio-order__op">
      <input type="hidden" name="_csrf" value={p.csrf} />
      <HiddenFields fields={{ _action: op, linkId: it.linkId }} />
      <button type="submit" class={buttonClass(danger ? "danger" : undefined)}>
        <span aria-hidden="true">{text}</span>
        <span class="visually-hidden">{fill(label, { title: it.title })}</span>
      </button>
    </form>
  );
}
