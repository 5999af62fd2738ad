/**
 * The favourite star. Server-rendered inside a tiny POST form (see
 * components/FavoriteToggle.tsx), so without JavaScript a click posts the
 * form and the page comes back; with it, the click is sent with fetch (PUT to
 * star, DELETE to unstar, both idempotent) and the star changes in place.
 */
import { useState } from "preact/hooks";
import { fill } from "@/core/i18n/format.ts";
import { favoriteApiPath } from "@/core/paths.ts";
import { Icon } from "@/components/island_icons.tsx";

interface Props {
  slug: string;
  name: string;
  starred: boolean;
  csrf: string;
  labels: { add: string; remove: string; added: string; removed: string; failed: string };
}

export default function FavoriteStar(props: Props) {
  const [starred, setStarred] = useState(props.starred);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState("");
  const { labels } = props;
  const label = fill(starred ? labels.remove : labels.add, { name: props.name });

  async function toggle(e: Event) {
    e.preventDefault();
    if (busy) return;
    const next = !starred;
    setBusy(true);
    setStarred(next);
    try {
      const res = await fetch(favoriteApiPath(props.slug), {
        method: next ? "PUT" : "DELETE",
        headers: { "x-csrf-token": props.csrf, accept: "application/json" },
      });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      const body = await res.json() as { favorite?: unknown };
      const saved = body.favorite === true;
      setStarred(saved);
      setMessage(saved ? labels.added : labels.removed);
    } catch {
      setStarred(!next);
      setMessage(labels.failed);
    } finally {
      setBusy(false);
    }
  }

  return (
    <span class="fav">
      <button
        type="submit"
        class={`fav__button${starred ? " fav__button--on" : ""}`}
        aria-pressed={starred}
        aria-label={label}
        title={label}
        aria-busy={busy}
        onClick={toggle}
      >
        <Icon name={starred ? "star" : "starOutline"} />
      </button>
      <span class="visually-hidden" role="status">{message}</span>
    </span>
  );
}
