/**
 * Charts drawn as SVG on the server (no JavaScript): a bar chart, a funnel
 * and a weekday × hour heatmap. Each is an `<svg role="img">` named by its
 * `<title>`, with a `viewBox` so it scales to the column (readable on a
 * 360 px phone), and the same numbers in a table beside it for screen
 * readers (visually hidden unless the caller shows its own table).
 */
import type { ComponentChildren } from "preact";

export interface Bar {
  label: string;
  value: number;
  /** The value as shown (e.g. "40 %", "12"). */
  text: string;
}

const W = 320;

function Table(
  { caption, head, rows, hidden }: {
    caption: string;
    head: string[];
    rows: ComponentChildren[][];
    hidden: boolean;
  },
) {
  const table = (
    <table class="stats-table">
      <caption>{caption}</caption>
      <thead>
        <tr>{head.map((h, i) => <th key={i} scope="col">{h}</th>)}</tr>
      </thead>
      <tbody>
        {rows.map((r, i) => (
          <tr key={i}>
            <th scope="row">{r[0]}</th>
            {r.slice(1).map((c, j) => <td key={j}>{c}</td>)}
          </tr>
        ))}
      </tbody>
    </table>
  );
  // Hidden through a wrapper: a table ignores a 1 px width and its full
  // width would still widen the page on a phone.
  return hidden ? <div class="visually-hidden">{table}</div> : table;
}

/**
 * Horizontal bars, one per row with its label above it: long labels fit a
 * narrow screen. `max` fixes the scale (e.g. 1 for rates); by default the
 * largest value fills the width.
 */
export function BarChart(
  { id, title, bars, max, head, tableHidden = true, funnel = false }: {
    id: string;
    title: string;
    bars: Bar[];
    max?: number;
    /** Column headings of the data table (label, value). */
    head: [string, string];
    tableHidden?: boolean;
    /** Bars centred, as a funnel (course order, where learners drop off). */
    funnel?: boolean;
  },
) {
  const rowH = 34, barH = 14, top = 4;
  const scale = max ?? Math.max(1, ...bars.map((b) => b.value));
  const barMax = funnel ? W : W - 56;
  const h = top + bars.length * rowH;
  return (
    <figure class={funnel ? "chart chart--funnel" : "chart"}>
      <svg
        class="chart__svg"
        viewBox={`0 0 ${W} ${Math.max(h, 20)}`}
        role="img"
        aria-labelledby={`${id}-title`}
        preserveAspectRatio="xMinYMin meet"
      >
        <title id={`${id}-title`}>{title}</title>
        {bars.map((b, i) => {
          const y = top + i * rowH;
          const w = Math.max(b.value > 0 ? 2 : 0, (Math.min(b.value, scale) / scale) * barMax);
          const x = funnel ? (W - w) / 2 : 0;
          return (
            <g key={i}>
              <text
                x={funnel ? W / 2 : 0}
                y={y + 11}
                class="chart__label"
                text-anchor={funnel ? "middle" : "start"}
              >
                {b.label.length > 48 ? `${b.label.slice(0, 47)}…` : b.label}
                {funnel ? ` · ${b.text}` : ""}
              </text>
              <rect
                x={0}
                y={y + 15}
                width={W * (funnel ? 1 : (barMax / W))}
                height={barH}
                class="chart__track"
              />
              <rect x={x} y={y + 15} width={w} height={barH} class="chart__bar" rx={2} />
              {!funnel && <text x={w + 4} y={y + 26} class="chart__value">{b.text}</text>}
            </g>
          );
        })}
      </svg>
      <Table
        caption={title}
        head={head}
        rows={bars.map((b) => [b.label, b.text])}
        hidden={tableHidden}
      />
    </figure>
  );
}

/**
 * Activity by weekday (rows, Monday first) and hour (columns): the darker
 * the cell, the more completions. `activity[weekday][hour]`.
 */
export function Heatmap(
  { id, title, activity, weekdays, hourLabel, empty }: {
    id: string;
    title: string;
    activity: number[][];
    /** Short weekday names, Monday first. */
    weekdays: string[];
    /** Header of the weekday column in the data table. */
    hourLabel: string;
    empty: string;
  },
) {
  const left = 26, topH = 12, cell = 12;
  const max = Math.max(0, ...activity.flat());
  const w = left + 24 * cell, h = topH + 7 * cell;
  return (
    <figure class="chart chart--heatmap">
      <svg
        class="chart__svg"
        viewBox={`0 0 ${w} ${h}`}
        role="img"
        aria-labelledby={`${id}-title`}
      >
        <title id={`${id}-title`}>{max === 0 ? `${title}: ${empty}` : title}</title>
        {[0, 6, 12, 18].map((hr) => (
          <text key={hr} x={left + hr * cell} y={9} class="chart__tick">{hr}</text>
        ))}
        {activity.map((row, d) => (
          <g key={d}>
            <text x={0} y={topH + d * cell + 9} class="chart__tick">{weekdays[d]}</text>
            {row.map((n, hr) => (
              <rect
                key={hr}
                x={left + hr * cell + 0.5}
                y={topH + d * cell + 0.5}
                width={cell - 1}
                height={cell - 1}
                class={n ? "chart__cell" : "chart__cell chart__cell--zero"}
                fill-opacity={n && max ? (0.15 + 0.85 * n / max).toFixed(2) : undefined}
              />
            ))}
          </g>
        ))}
      </svg>
      <Table
        caption={title}
        head={[hourLabel, ...Array.from({ length: 24 }, (_, i) => String(i))]}
        rows={activity.map((row, d) => [weekdays[d], ...row.map(String)])}
        hidden
      />
    </figure>
  );
}
