/** A rating as five stars, with the number for screen readers. */
import type { Translator } from "@/core/i18n/mod.ts";
import { Icon } from "./icons.tsx";

export function StarRating({ rating, t }: { rating: number; t: Translator }) {
  const full = Math.round(rating);
  return (
    <span class="stars" role="img" aria-label={t("course.rating", { rating: rating.toFixed(1) })}>
      {[1, 2, 3, 4, 5].map((n) => (
        <Icon key={n} name="star" class={n > full ? "stars__off" : undefined} />
      ))}
    </span>
  );
}
