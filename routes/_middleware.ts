/**
 * Runs for every request, in this order: request id and access log,
 * security headers, language.
 */
import { define } from "../define.ts";
import { requestLog } from "../http/request_log.ts";
import { securityHeaders } from "../http/security_headers.ts";
import { localeMiddleware } from "../http/locale.ts";

export const handler = define.middleware([requestLog, securityHeaders, localeMiddleware]);
