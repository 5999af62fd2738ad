/**
 * The app's request state and the typed `define` helpers routes use
 * (`define.handlers`, `define.page`, `define.layout`, `define.middleware`).
 */
import { createDefine } from "./framework/mod.ts";
import type { Services } from "./core/services.ts";
import type { Locale, Translator } from "./core/i18n/mod.ts";
import type { SessionUser } from "./core/auth/session_user.ts";
import type { AccessClaims } from "./core/auth/tokens.ts";

export interface State {
  services: Services;
  requestId: string;
  locale: Locale;
  t: Translator;
  /** The signed-in user, or null for a visitor. */
  user: SessionUser | null;
  /**
   * The access token's claims when an /api/v1 call was signed in by
   * `Authorization: Bearer` (http/bearer.ts); absent for cookie sessions.
   */
  token?: AccessClaims;
  /** The OpenAPI document of /api/v1 (built once per app, on first use). */
  openApi: () => Record<string, unknown>;
  /** This request's CSRF token for forms and fetch (made on first use). */
  csrf: () => string;
  /** Unread in-app notifications of the signed-in user (for the bell), when known. */
  unreadNotifications?: number;
  /** Exams waiting for this trainer's (or staff member's) review, for the studio link. */
  pendingExams?: number;
}

export const define = createDefine<State>();
