/**
 * The learner's achievements: statistics, streaks in their own time zone,
 * the activity calendar (SVG, no JavaScript), the 13 awards with progress,
 * and a per-course breakdown. Per user, so never cached as a page.
 */
import { define } from "@/define.ts";
import { page } from "@/framework/mod.ts";
import { requireUser } from "@/core/auth/guards.ts";
import {
  type Achievement,
  ACHIEVEMENT_CATEGORIES,
  type AchievementsView,
  loadAchievements,
} from "@/core/achievements.ts";
import { NBSP, type Translator } from "@/core/i18n/mod.ts";
import { PageTitle } from "@/components/PageTitle.tsx";
import { Section } from "@/components/Section.tsx";
import { ActivityCalendar } from "@/components/ActivityCalendar.tsx";
import { coursePath } from "@/core/paths.ts";
import { Icon } from "@/components/icons.tsx";

export const handler = define.handlers<AchievementsView>({
  async GET(ctx) {
    const user = requireUser(ctx.state.user);
    return page(await loadAchievements(ctx.state.services, user), {
      headers: { "cache-control": "private, no-store" },
    });
  },
});

export function formatDuration(seconds: number, t: Translator): string {
  const total = Math.floor(seconds / 60);
  const h = Math.floor(total / 60), m = total % 60;
  if (h === 0) return t("achievements.time.minutes", { m });
  return m > 0
    ? t("achievements.time.hours", { h: t.number(h), m })
    : t("achievements.time.hoursOnly", { h: t.number(h) });
}

function achievementProgress(a: Achievement, t: Translator): string {
  if (a.id === "devoted") {
    return t("achievements.progress", {
      current: formatDuration(a.current, t),
      target: formatDuration(a.target, t),
    });
  }
  const pct = a.category === "progress";
  return t("achievements.progress", {
    current: pct ? `${a.current}${NBSP}%` : a.current,
    target: pct ? `${a.target}${NBSP}%` : a.target,
  });
}

/** The plain counts among the statistics: element id suffix and `LearnerStats` field. */
const COUNTS = [
  ["started", "coursesStarted"],
  ["completed", "coursesCompleted"],
  ["in-progress", "coursesInProgress"],
  ["days", "daysCompleted"],
] as const;

function Stat(
  { label, value, hint, id }: { label: string; value: string; hint?: string; id: string },
) {
  return (
    <div class="stat" id={id}>
      <dt>{label}</dt>
      <dd>
        <span class="stat__value">{value}</span>
        {hint && <span class="stat__hint">{hint}</span>}
      </dd>
    </div>
  );
}

export default define.page<typeof handler>(({ data, state }) => {
  const { t } = state;
  const { stats, achievements, calendar, courses, timeZone } = data;
  const earned = achievements.filter((a) => a.unlocked).length;
  const dateIn = (d: Date) =>
    t.date(d, { day: "numeric", month: "short", year: "numeric", timeZone });
  const streakHint = stats.lastActiveDay === stats.today
    ? t("achievements.streak.today")
    : stats.currentStreak > 0
    ? t("achievements.streak.keep")
    : t("achievements.streak.none");
  return (
    <>
      <PageTitle t={t} title={t("achievements.title")} />
      <h1>{t("achievements.title")}</h1>
      <p class="lead">{t("achievements.lead")}</p>

      <Section id="stats-title" title={t("achievements.stats")} titleClass="visually-hidden">
        <dl class="stats">
          {COUNTS.map(([id, key]) => (
            <Stat
              key={id}
              id={`stat-${id}`}
              label={t(`achievements.stat.${key}`)}
              value={String(stats[key])}
            />
          ))}
          <Stat
            id="stat-overall"
            label={t("achievements.stat.overall")}
            value={`${stats.overallProgress}${NBSP}%`}
            hint={t("achievements.stat.overall.hint", {
              done: stats.daysCompleted,
              total: stats.daysTotal,
            })}
          />
          <Stat
            id="stat-current-streak"
            label={t("achievements.stat.currentStreak")}
            value={t.plural("achievements.days", stats.currentStreak)}
            hint={streakHint}
          />
          <Stat
            id="stat-longest-streak"
            label={t("achievements.stat.longestStreak")}
            value={t.plural("achievements.days", stats.longestStreak)}
          />
          <Stat
            id="stat-time"
            label={t("achievements.stat.trainingTime")}
            value={formatDuration(stats.trainingSeconds, t)}
            hint={t("achievements.stat.trainingTime.hint")}
          />
        </dl>
        <p class="muted small">
          {t("achievements.timeZone", { tz: timeZone })}{" "}
          <a href="/settings#h-time-zone">{t("achievements.timeZone.change")}</a>
        </p>
      </Section>

      <Section id="calendar-heading" title={t("achievements.calendar")}>
        <ActivityCalendar cal={calendar} t={t} />
      </Section>

      <Section
        id="awards-title"
        title={
          <>
            {t("achievements.list")}{" "}
            <span class="muted small">
              {t("achievements.earned", { count: earned, total: achievements.length })}
            </span>
          </>
        }
      >
        {ACHIEVEMENT_CATEGORIES.map((cat) => (
          <section key={cat} class="award-group" aria-labelledby={`awards-${cat}`}>
            <h3 id={`awards-${cat}`}>{t(`achievements.category.${cat}` as const)}</h3>
            <ul class="awards">
              {achievements.filter((a) =>
                a.category === cat
              ).map((a) => (
                <li
                  key={a.id}
                  class={`award${a.unlocked ? " award--unlocked" : ""}`}
                  data-achievement={a.id}
                  data-unlocked={String(a.unlocked)}
                >
                  <span class="award__icon">
                    <Icon name={a.icon} />
                  </span>
                  <div class="award__body">
                    <h4 class="award__title">
                      {t(`achievements.${a.id}.title` as const)}
                    </h4>
                    <p class="award__text">{t(`achievements.${a.id}.text` as const)}</p>
                    <progress
                      max={100}
                      value={a.percent}
                      aria-label={t(`achievements.${a.id}.title` as const)}
                    >
                      {`${a.percent}${NBSP}%`}
                    </progress>
                    <p class="award__state">
                      {a.unlocked
                        ? (
                          <strong>
                            <Icon name="check" /> {t("achievements.unlocked")}
                          </strong>
                        )
                        : a.target > 1
                        ? (
                          <>
                            <span class="visually-hidden">{t("achievements.locked")}.</span>
                            {achievementProgress(a, t)}
                          </>
                        )
                        : t("achievements.locked")}
                    </p>
                  </div>
                </li>
              ))}
            </ul>
          </section>
        ))}
      </Section>

      <Section id="by-course-title" title={t("achievements.courses")}>
        {courses.length === 0
          ? (
            <p class="empty">
              {t("achievements.courses.empty")}{" "}
              <a href="/courses">{t("achievements.courses.pick")}</a>
            </p>
          )
          : (
            // Six columns do not fit a phone: the table scrolls inside its own box
            // (focusable, so a keyboard can scroll it), with a hint and edge shadows.
            <>
              <p class="table-scroll__hint" id="course-stats-hint">
                {t("achievements.courses.scrollHint")} <Icon name="arrowRight" />
              </p>
              <div
                class="table-scroll"
                role="region"
                tabIndex={0}
                aria-label={t("achievements.courses.table")}
                aria-describedby="course-stats-hint"
              >
                <table class="course-stats">
                  <thead>
                    <tr>
                      <th scope="col">{t("achievements.courses.course")}</th>
                      <th scope="col">{t("achievements.courses.status")}</th>
                      <th scope="col">{t("achievements.courses.days")}</th>
                      <th scope="col">{t("achievements.courses.time")}</th>
                      <th scope="col">{t("achievements.courses.started")}</th>
                      <th scope="col">{t("achievements.courses.completed")}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {courses.map((c) => (
                      <tr key={c.courseId} data-course={c.slug}>
                        <th scope="row">
                          <a href={coursePath(c.slug)}>{c.name}</a>
                        </th>
                        <td>{t(`course.status.${c.status}` as const)}</td>
                        <td>
                          <progress
                            max={Math.max(1, c.totalDays)}
                            value={c.completedDays}
                            aria-hidden="true"
                          />{" "}
                          {c.completedDays}/{c.totalDays}
                        </td>
                        <td>{formatDuration(c.activeSeconds, t)}</td>
                        <td>{c.startedAt ? dateIn(c.startedAt) : "—"}</td>
                        <td>{c.completedAt ? dateIn(c.completedAt) : "—"}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </>
          )}
      </Section>
    </>
  );
});
