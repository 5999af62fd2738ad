/**
 * The activity calendar, drawn as SVG on the server (no JavaScript): one
 * square per day of the last weeks, Monday on top, coloured by completed
 * steps, with a `<title>` tooltip per day and a text summary for screen
 * readers (the picture itself is one image to them).
 */
import type { ActivityCalendar as Calendar } from "@/core/achievements.ts";
import type { Translator } from "@/core/i18n/mod.ts";

const CELL = 12;
const PITCH = 15;
const LEFT = 30;
const TOP = 18;

export function calendarSummary(cal: Calendar, t: Translator): string {
  return t("achievements.calendar.summary", {
    weeks: cal.weeks.length,
    active: t.plural("achievements.calendar.activeDays", cal.activeDays),
    activeCount: t.number(cal.activeDays),
    steps: t.plural("achievements.calendar.steps", cal.steps),
    stepsCount: t.number(cal.steps),
  });
}

export function ActivityCalendar({ cal, t }: { cal: Calendar; t: Translator }) {
  const tag = t.locale === "ru" ? "ru-RU" : "en-GB";
  // Calendar dates are zone-less: format them as UTC so the server's zone cannot shift them.
  const dayFmt = new Intl.DateTimeFormat(tag, {
    day: "numeric",
    month: "long",
    year: "numeric",
    timeZone: "UTC",
  });
  const monthFmt = new Intl.DateTimeFormat(tag, { month: "short", timeZone: "UTC" });
  const weekdayFmt = new Intl.DateTimeFormat(tag, { weekday: "short", timeZone: "UTC" });
  const asDate = (day: string) => new Date(`${day}T00:00:00Z`);
  const width = LEFT + cal.weeks.length * PITCH;
  const height = TOP + 7 * PITCH;
  const summary = calendarSummary(cal, t);

  const months: { x: number; label: string }[] = [];
  let lastMonth = "";
  cal.weeks.forEach((week, w) => {
    const first = week.find((d) => d !== null);
    if (!first) return;
    const month = first.date.slice(0, 7);
    if (month !== lastMonth) {
      // Skip a label squeezed against the next one at the left edge.
      if (!(w === 0 && Number(first.date.slice(8)) > 24)) {
        months.push({ x: LEFT + w * PITCH, label: monthFmt.format(asDate(first.date)) });
      }
      lastMonth = month;
    }
  });
  // 2024-01-01 was a Monday: rows 0, 2 and 4 get Monday, Wednesday and Friday.
  const weekdays = [0, 2, 4].map((row) => ({
    y: TOP + row * PITCH + CELL - 2,
    label: weekdayFmt.format(asDate(`2024-01-0${row + 1}`)),
  }));

  return (
    <figure class="calendar">
      <div class="calendar__scroll">
        <svg
          class="calendar__svg"
          viewBox={`0 0 ${width} ${height}`}
          width={width}
          height={height}
          role="img"
          aria-labelledby="calendar-title calendar-desc"
          data-days={cal.days}
        >
          <title id="calendar-title">{t("achievements.calendar")}</title>
          <desc id="calendar-desc">{summary}</desc>
          {months.map((m) => (
            <text key={m.x} class="calendar__label" x={m.x} y={TOP - 6}>{m.label}</text>
          ))}
          {weekdays.map((d) => (
            <text key={d.y} class="calendar__label" x={0} y={d.y}>{d.label}</text>
          ))}
          {cal.weeks.map((week, w) =>
            week.map((day, d) =>
              day && (
                <rect
                  key={day.date}
                  class={`calendar__day calendar__day--${day.level}`}
                  x={LEFT + w * PITCH}
                  y={TOP + d * PITCH}
                  width={CELL}
                  height={CELL}
                  rx={2}
                  data-date={day.date}
                  data-count={day.count}
                >
                  <title>
                    {day.count > 0
                      ? t("achievements.calendar.day", {
                        date: dayFmt.format(asDate(day.date)),
                        steps: t.plural("achievements.calendar.steps", day.count),
                      })
                      : t("achievements.calendar.dayNone", {
                        date: dayFmt.format(asDate(day.date)),
                      })}
                  </title>
                </rect>
              )
            )
          )}
        </svg>
      </div>
      <figcaption class="calendar__caption">
        <span>{summary}</span>
        <span class="calendar__legend" aria-hidden="true">
          {t("achievements.calendar.less")}
          {[0, 1, 2, 3, 4].map((l) => (
            <svg key={l} width={CELL} height={CELL} viewBox={`0 0 ${CELL} ${CELL}`}>
              <rect class={`calendar__day calendar__day--${l}`} width={CELL} height={CELL} rx={2} />
            </svg>
          ))}
          {t("achievements.calendar.more")}
        </span>
      </figcaption>
    </figure>
  );
}
