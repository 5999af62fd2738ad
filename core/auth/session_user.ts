import type { Role } from "@/db/schema.ts";
import type { Locale } from "../i18n/mod.ts";

/** Who is making the request, as the session middleware resolved it. */
export interface SessionUser {
  id: string;
  username: string;
  role: Role;
  locale: Locale;
  timeZone: string;
  /** The version the session was issued for (CSRF tokens are bound to it). */
  sessionVersion: number;
}
