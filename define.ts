/**
 * The app's request state and the typed `define` helpers routes use
 * (`define.handlers`, `define.page`, `define.layout`, `define.middleware`).
 */
import { createDefine } from "./framework/mod.ts";
import type { Services } from "./core/services.ts";
import type { Locale, Translator } from "./core/i18n/mod.ts";
import type { SessionUser } from "./core/auth/session_user.ts";

export interface State {
  services: Services;
  requestId: string;
  locale: Locale;
  t: Translator;
  /** The signed-in user, or null for a visitor. */
  user: SessionUser | null;
}

export const define = createDefine<State>();
