/** A rating as five stars, with the number for screen readers. */
import type { Translator } from "@/core/i18n/mod.ts";

export function StarRating({ rating, t }: { rating: number; t: Translator }) {
  const full = Math.round(rating);
  return (
    <span class="stars" role="img" aria-label={t("course.rating", { rating: rating.toFixed(1) })}>
      <span aria-hidden="true">
        {"★".repeat(full)}
        <span class="stars__off">{"★".repeat(5 - full)}</span>
      </span>
    </span>
  );
}
