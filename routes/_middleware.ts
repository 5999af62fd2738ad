/**
 * Runs for every request, in this order: request id and access log,
 * security headers, session, unread notifications (bell), language, CSRF.
 */
import { define } from "@/define.ts";
import { requestLog } from "@/http/request_log.ts";
import { securityHeaders } from "@/http/security_headers.ts";
import { localeMiddleware } from "@/http/locale.ts";
import { sessionMiddleware } from "@/http/session.ts";
import { csrfMiddleware } from "@/http/csrf.ts";
import { notificationsMiddleware } from "@/http/notifications.ts";

export const handler = define.middleware([
  requestLog,
  securityHeaders,
  sessionMiddleware,
  notificationsMiddleware,
  localeMiddleware,
  csrfMiddleware,
]);
