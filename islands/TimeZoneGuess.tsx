/**
 * Fills the time-zone select in settings with the browser's zone while the
 * person has not chosen one yet. The select itself is server-rendered, so
 * the form works without JavaScript; this only changes its preselected
 * option (nothing is saved until the form is sent) and says so.
 */
import { useEffect, useState } from "preact/hooks";

interface Props {
  /** The id of the `<select>` to fill. */
  selectId: string;
  /** "Your browser's zone is filled in — save it if it is right." */
  text: string;
}

export default function TimeZoneGuess({ selectId, text }: Props) {
  const [filled, setFilled] = useState(false);
  useEffect(() => {
    const select = document.getElementById(selectId);
    const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (!(select instanceof HTMLSelectElement) || !zone || select.value === zone) return;
    if (![...select.options].some((o) => o.value === zone)) return;
    select.value = zone;
    setFilled(true);
  }, [selectId]);
  return filled ? <p class="field-hint" role="status" data-tz-filled="">{text}</p> : null;
}
