/**
 * Building blocks of the ops pages: the section navigation, formatting of
 * sizes, durations and times, the "done" notice after an action, and the
 * confirmation box that destructive actions show first (a plain GET page
 * with a POST form, so it works without JavaScript).
 */
import type { ComponentChildren } from "preact";
import type { State } from "@/define.ts";
import { type MessageKey, NBSP, type Translator } from "@/core/i18n/mod.ts";
import { CsrfField } from "@/components/CsrfField.tsx";

/** Only admins act; moderators see the pages without the buttons. */
export function canWrite(state: State): boolean {
  return state.user?.role === "ADMIN";
}

export function OpsNav({ t, url }: { t: Translator; url: URL }) {
  const items: [string, MessageKey][] = [
    ["/ops", "ops.nav.overview"],
    ["/ops/queues", "ops.nav.queues"],
    ["/ops/errors", "ops.nav.errors"],
    ["/ops/legal", "ops.nav.legal"],
    ["/ops/campaigns", "ops.nav.campaigns"],
    ["/ops/users", "ops.nav.users"],
    ["/ops/audit", "ops.nav.audit"],
    ["/ops/broadcasts", "ops.nav.broadcasts"],
  ];
  const current = (href: string) =>
    href === "/ops"
      ? url.pathname === "/ops"
      : url.pathname === href || url.pathname.startsWith(href + "/");
  return (
    <nav class="ops-nav" aria-label={t("ops.nav.label")}>
      {items.map(([href, key]) => (
        <a key={href} href={href} aria-current={current(href) ? "page" : undefined}>
          {t(key)}
        </a>
      ))}
    </nav>
  );
}

/** 1536 → "1.5 KB" (binary multiples, one decimal below 10, units in the viewer's language). */
export function formatBytes(t: Translator, n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return "—";
  const units = t("ops.unit.bytes").split(" ");
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  const num = u === 0 ? v : Math.round(v * (v < 10 ? 10 : 1)) / (v < 10 ? 10 : 1);
  return `${t.number(num)}${NBSP}${units[u]}`;
}

/** A duration in the user's language: "450 мс", "12 с", "3 мин", "2 ч 5 мин", "4 д 3 ч". */
export function formatDuration(t: Translator, ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return "—";
  if (ms < 1000) return t("ops.unit.ms", { n: Math.round(ms) });
  const s = Math.round(ms / 1000);
  if (s < 60) return t("ops.unit.s", { n: s });
  const m = Math.floor(s / 60);
  if (m < 60) return t("ops.unit.min", { n: m });
  const h = Math.floor(m / 60);
  if (h < 24) return t("ops.unit.h", { n: h, m: m % 60 });
  return t("ops.unit.d", { n: Math.floor(h / 24), h: h % 24 });
}

/** Date and time in the viewer's time zone; "—" for none. */
export function when(state: State, d: Date | string | null | undefined): string {
  if (!d) return "—";
  return state.t.date(d, {
    dateStyle: "medium",
    timeStyle: "medium",
    timeZone: state.user?.timeZone,
  });
}

/** The result of the last action, announced politely. */
export function Flash({ message, kind = "ok" }: { message?: string | null; kind?: "ok" | "bad" }) {
  if (!message) return null;
  return (
    <p class={`ops-flash ops-flash--${kind}`} role="status">
      {message}
    </p>
  );
}

/** A status badge (queue state, error group status…). */
export function Badge({ kind, children }: { kind: string; children: ComponentChildren }) {
  return <span class={`ops-badge ops-badge--${kind}`}>{children}</span>;
}

/**
 * "Are you sure?" before a destructive action: the question, a POST form
 * with the action's fields and a cancel link back.
 */
export function ConfirmBox(p: {
  state: State;
  action: string;
  fields: Record<string, string>;
  question: string;
  confirmLabel: string;
  cancelHref: string;
}) {
  const { t } = p.state;
  return (
    <section class="ops-confirm" aria-labelledby="ops-confirm-q">
      <h2 id="ops-confirm-q">{p.question}</h2>
      <form method="post" action={p.action} class="ops-actions">
        <CsrfField state={p.state} />
        {Object.entries(p.fields).map(([k, v]) => (
          <input
            key={k}
            type="hidden"
            name={k}
            value={v}
          />
        ))}
        <button type="submit" class="button button--danger" autofocus>
          {p.confirmLabel}
        </button>
        <a class="button button--ghost" href={p.cancelHref}>{t("ops.cancel")}</a>
      </form>
    </section>
  );
}

/** A POST form with one button (retry, pause, resolve…). */
export function ActionButton(p: {
  state: State;
  action: string;
  fields: Record<string, string>;
  label: string;
  danger?: boolean;
}) {
  return (
    <form method="post" action={p.action} class="ops-inline">
      <CsrfField state={p.state} />
      {Object.entries(p.fields).map(([k, v]) => <input key={k} type="hidden" name={k} value={v} />)}
      <button type="submit" class={p.danger ? "button button--danger" : "button"}>{p.label}</button>
    </form>
  );
}

/** Pretty JSON for a <pre>, bounded so a huge payload cannot blow up the page. */
export function prettyJson(v: unknown, max = 20_000): string {
  let s: string;
  try {
    s = JSON.stringify(v, null, 2) ?? "null";
  } catch {
    s = String(v);
  }
  return s.length > max ? s.slice(0, max) + "\n…" : s;
}
