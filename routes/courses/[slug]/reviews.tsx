/**
 * A course's reviews: the list (newest first, paged), the rating breakdown,
 * and for a learner who completed the course a form to write, edit or delete
 * their one review. Plain POST forms (POST-redirect-GET); bad input comes
 * back with the messages next to the fields (422).
 */
import { z } from "zod";
import { define, type State } from "@/define.ts";
import { type Context, page } from "@/framework/mod.ts";
import type { CourseOutline } from "@/core/courses/outline.ts";
import { courseOutline } from "@/core/courses/access.ts";
import { COURSES_TAG } from "@/core/courses/cache.ts";
import { isStaff, requireUser } from "@/core/auth/guards.ts";
import {
  deleteReview,
  listReviews,
  type RatingSummary,
  type Review,
  REVIEW_COMMENT_MAX,
  type ReviewAccess,
  reviewAccess,
  saveMyReview,
} from "@/core/reviews.ts";
import type { FieldErrors } from "@/core/validation.ts";
import type { Translator } from "@/core/i18n/mod.ts";
import { formObject } from "@/http/forms.ts";
import { redirect } from "@/http/responses.ts";
import { formFailure } from "@/http/errors.ts";
import { anonymousPage } from "@/http/page_cache.ts";
import { PageTitle } from "@/components/PageTitle.tsx";
import { CourseNotAvailable } from "@/components/CourseNotAvailable.tsx";
import { CourseAuthor } from "@/components/CourseAuthor.tsx";
import { StarRating } from "@/components/StarRating.tsx";
import { Fieldset, FormNotice, TextareaField } from "@/components/forms.tsx";
import { ButtonForm, PostForm } from "@/components/PostForm.tsx";
import { Section } from "@/components/Section.tsx";
import { coursePath, loginPath, reviewsPath } from "@/core/paths.ts";
import { Icon } from "@/components/icons.tsx";

interface Data {
  course: CourseOutline | null;
  reviews: Review[];
  summary: RatingSummary;
  page: number;
  pages: number;
  access: ReviewAccess;
  flash: "saved" | "deleted" | null;
  errors?: FieldErrors;
  values?: { rating: string; comment: string };
}

const pageSchema = z.coerce.number().int().min(1).max(10_000).catch(1);

const actionSchema = z.object({
  _action: z.enum(["save", "delete"]),
  reviewId: z.string().max(100).optional(),
});

async function load(
  ctx: Context<State>,
  course: CourseOutline,
): Promise<Omit<Data, "flash">> {
  const { services, user } = ctx.state;
  const pageNo = pageSchema.parse(ctx.url.searchParams.get("page") ?? 1);
  const [list, access] = await Promise.all([
    listReviews(services, course, { page: pageNo }),
    reviewAccess(services, user, course),
  ]);
  return { course, ...list, access };
}

const EMPTY: Omit<Data, "course" | "flash"> = {
  reviews: [],
  summary: { average: null, count: 0, histogram: [0, 0, 0, 0, 0] },
  page: 1,
  pages: 1,
  access: { mine: null, canWrite: false, reason: null },
};

/** Visitors are answered from the page cache before any data is loaded. */
export const pageCache = (ctx: Context<State>) => anonymousPage(ctx, [COURSES_TAG]);

export const handler = define.handlers<Data>({
  async GET(ctx) {
    const { services, user } = ctx.state;
    const course = await courseOutline(services, ctx.params.slug, user);
    if (!course) return page({ course: null, flash: null, ...EMPTY }, { status: 404 });
    const flash = ctx.url.searchParams.has("saved")
      ? "saved"
      : ctx.url.searchParams.has("deleted")
      ? "deleted"
      : null;
    const data = await load(ctx, course);
    const cache = course.access === "PUBLIC" && course.published
      ? anonymousPage(ctx, [COURSES_TAG])
      : undefined;
    return page({ ...data, flash }, { cache });
  },
  async POST(ctx) {
    const { services, user, t } = ctx.state;
    const me = requireUser(user);
    const course = await courseOutline(services, ctx.params.slug, me);
    if (!course) return page({ course: null, flash: null, ...EMPTY }, { status: 404 });
    const form = await formObject(ctx);
    const action = actionSchema.parse(form);
    const base = reviewsPath(course.slug);
    if (action._action === "delete") {
      const id = action.reviewId ??
        (await reviewAccess(services, me, course)).mine?.id;
      if (id) await deleteReview(services, me, course.slug, id);
      return redirect(`${base}?deleted=1`);
    }
    try {
      await saveMyReview(services, me, course.slug, {
        rating: form.rating,
        comment: form.comment,
      });
    } catch (e) {
      const failure = formFailure(e, t);
      if (!failure) throw e;
      const data = await load(ctx, course);
      return page({
        ...data,
        flash: null,
        errors: failure.errors,
        values: {
          rating: typeof form.rating === "string" ? form.rating : "",
          comment: typeof form.comment === "string" ? form.comment : "",
        },
      }, { status: failure.status, headers: failure.headers });
    }
    return redirect(`${base}?saved=1#my-review`);
  },
});

function ReviewItem(
  { review, t, mine, moderate, state, base }: {
    review: Review;
    t: Translator;
    mine?: boolean;
    moderate?: boolean;
    state: State;
    base: string;
  },
) {
  return (
    <article class={`review${mine ? " review--mine" : ""}`} id={mine ? "my-review" : undefined}>
      <header class="review__head">
        <CourseAuthor
          username={review.author.username}
          name={review.author.name}
          avatarKey={review.author.avatarKey}
          size={32}
        />
        <StarRating rating={review.rating} t={t} />
        <time class="muted" dateTime={review.createdAt.toISOString()}>
          {t.date(review.createdAt)}
        </time>
        {review.edited && <span class="muted">· {t("reviews.edited")}</span>}
      </header>
      {review.comment && <p class="review__comment">{review.comment}</p>}
      {moderate && !mine && (
        <ButtonForm
          state={state}
          action={base}
          hidden={{ _action: "delete", reviewId: review.id }}
          label={t("reviews.moderate")}
          variant="danger"
          class="review__moderate"
        />
      )}
    </article>
  );
}

export default define.page<typeof handler>(({ data, state, url }) => {
  const { t, user } = state;
  const course = data.course;
  if (!course) return <CourseNotAvailable state={state} path={url.pathname} />;
  const base = reviewsPath(course.slug);
  const { summary, access, errors } = data;
  const mine = access.mine;
  const values = data.values ??
    { rating: mine ? String(mine.rating) : "", comment: mine?.comment ?? "" };
  const staff = isStaff(user);
  return (
    <>
      <PageTitle t={t} title={t("reviews.heading", { name: course.name })} />
      <nav class="breadcrumbs" aria-label={t("course.breadcrumbs")}>
        <a href={coursePath(course.slug)}>{t("reviews.back")}</a>
      </nav>
      <h1>{t("reviews.heading", { name: course.name })}</h1>
      {data.flash && (
        <FormNotice>{t(data.flash === "saved" ? "reviews.saved" : "reviews.deleted")}</FormNotice>
      )}

      {summary.average !== null
        ? (
          <Section
            id="rating-summary-title"
            class="rating-summary"
            title={t("reviews.histogram")}
            titleClass="visually-hidden"
          >
            <p class="rating-summary__avg">
              <strong>{summary.average.toFixed(1)}</strong>
              <StarRating rating={summary.average} t={t} />
              <span class="muted">{t.plural("course.reviews", summary.count)}</span>
            </p>
            <dl class="histogram">
              {[5, 4, 3, 2, 1].map((stars) => {
                const n = summary.histogram[stars - 1];
                return (
                  <div key={stars} class="histogram__row">
                    <dt>{t.plural("reviews.stars", stars)}</dt>
                    <dd>
                      <meter min={0} max={summary.count} value={n} aria-hidden="true" />
                      <span>{n}</span>
                    </dd>
                  </div>
                );
              })}
            </dl>
          </Section>
        )
        : <p class="empty">{t("reviews.none")}</p>}

      <Section
        id="my-review-title"
        class="review-form-box"
        title={mine ? t("reviews.mine") : t("reviews.write")}
      >
        {access.reason === "signIn" && (
          <p>
            <a href={loginPath(base)}>{t("reviews.signIn")}</a>
          </p>
        )}
        {access.reason === "notCompleted" && <p class="muted">{t("reviews.onlyCompleted")}</p>}
        {access.canWrite && (
          <>
            {mine && <ReviewItem review={mine} t={t} mine state={state} base={base} />}
            <PostForm
              state={state}
              action={base}
              class="review-form"
              hidden={{ _action: "save" }}
              errors={errors}
              idPrefix="review-"
              labels={{
                rating: t("reviews.rating.label"),
                comment: t("reviews.comment.label"),
              }}
              submit={mine ? t("reviews.edit") : t("reviews.save")}
            >
              <Fieldset
                id="review-rating"
                class="rating-input"
                legend={t("reviews.rating.label")}
                error={errors?.rating}
              >
                <div class="rating-input__stars">
                  {[1, 2, 3, 4, 5].map((n) => (
                    <label key={n}>
                      <input
                        type="radio"
                        name="rating"
                        value={n}
                        checked={values.rating === String(n)}
                        required
                      />
                      <span class="rating-input__star">
                        <Icon name="star" />
                      </span>
                      <span class="visually-hidden">{t.plural("reviews.stars", n)}</span>
                    </label>
                  ))}
                </div>
              </Fieldset>
              <TextareaField
                id="review-comment"
                name="comment"
                label={t("reviews.comment.label")}
                hint={t("reviews.comment.hint", { max: REVIEW_COMMENT_MAX })}
                error={errors?.comment}
                value={values.comment}
                rows={5}
                maxLength={REVIEW_COMMENT_MAX}
              />
            </PostForm>
            {mine && (
              <ButtonForm
                state={state}
                action={base}
                hidden={{ _action: "delete" }}
                label={t("reviews.delete")}
                variant="danger"
                class="review-delete"
              />
            )}
          </>
        )}
      </Section>

      {data.reviews.length > 0 && (
        <Section id="reviews-title" title={t("reviews.title")}>
          <div class="review-list">
            {data.reviews.map((r) => (
              <ReviewItem
                key={r.id}
                review={r}
                t={t}
                moderate={staff}
                state={state}
                base={base}
              />
            ))}
          </div>
          {data.pages > 1 && (
            <nav
              class="pager"
              aria-label={t("reviews.page", { page: data.page, pages: data.pages })}
            >
              {data.page > 1 && (
                <a href={`${base}?page=${data.page - 1}`} rel="prev">{t("reviews.newer")}</a>
              )}
              <span>{t("reviews.page", { page: data.page, pages: data.pages })}</span>
              {data.page < data.pages && (
                <a href={`${base}?page=${data.page + 1}`} rel="next">{t("reviews.older")}</a>
              )}
            </nav>
          )}
        </Section>
      )}
    </>
  );
});
