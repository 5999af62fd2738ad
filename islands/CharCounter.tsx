/**
 * A live "37 of 180 characters" under a server-rendered text field with a
 * `maxlength`. The field, its hint (the limit in words) and the maxlength
 * work without JavaScript; this only adds the count while typing, so it
 * renders nothing until it runs. It counts `value.length`, what the
 * browser's maxlength counts (a line break is one); the server counts the
 * same text or less (whitespace collapsed), so it never refuses what the
 * counter allowed. Screen readers hear it only near the limit.
 */
import { useEffect, useState } from "preact/hooks";
import { fill } from "@/core/i18n/format.ts";

interface Props {
  /** The id of the `<textarea>` or `<input>` to count. */
  fieldId: string;
  max: number;
  /** "{count} of {max} characters". */
  text: string;
}

/** Characters left at which the count turns to a warning and is announced. */
const NEAR = 20;

export default function CharCounter({ fieldId, max, text }: Props) {
  const [count, setCount] = useState<number | null>(null);
  const counterId = `${fieldId}-count`;
  useEffect(() => {
    const field = document.getElementById(fieldId);
    if (!(field instanceof HTMLTextAreaElement || field instanceof HTMLInputElement)) return;
    const update = () => setCount(field.value.length);
    update();
    field.addEventListener("input", update);
    const described = (field.getAttribute("aria-describedby") ?? "").split(" ").filter(Boolean);
    if (!described.includes(counterId)) {
      field.setAttribute("aria-describedby", [...described, counterId].join(" "));
    }
    return () => field.removeEventListener("input", update);
  }, [fieldId]);
  if (count === null) return null;
  const near = max - count <= NEAR;
  return (
    <p
      id={counterId}
      class={near ? "field-counter field-counter--near" : "field-counter"}
      aria-live={near ? "polite" : "off"}
      data-count={count}
    >
      {fill(text, { count, max })}
    </p>
  );
}
