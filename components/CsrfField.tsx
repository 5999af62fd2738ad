import type { State } from "@/define.ts";
import { CSRF_FIELD } from "@/http/csrf.ts";

/** The hidden CSRF field every POST form carries. */
export function CsrfField({ state }: { state: State }) {
  return <input type="hidden" name={CSRF_FIELD} value={state.csrf()} />;
}
