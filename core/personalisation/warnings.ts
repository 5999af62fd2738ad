/**
 * The studio's warnings about placeholders that will not be substituted, in
 * the trainer's language. Non-blocking: a step with them saves, learners see
 * them as typed.
 */
import type { Translator } from "../i18n/mod.ts";
import { findUnknown, type ProblemReason } from "./placeholders.ts";

export interface PlaceholderWarning {
  text: string;
  reason: ProblemReason;
  message: string;
}

/** Problems of every text (title, description, checklist items …), each once. */
export function placeholderWarnings(
  texts: readonly (string | null | undefined)[],
  t: Translator,
): PlaceholderWarning[] {
  const out: PlaceholderWarning[] = [];
  const seen = new Set<string>();
  for (const text of texts) {
    for (const p of findUnknown(text ?? "")) {
      const key = `${p.reason}\u0000${p.text}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ ...p, message: t(`studio.placeholders.reason.${p.reason}`) });
    }
  }
  return out;
}
