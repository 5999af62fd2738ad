/**
 * The app's own OpenAPI document: `buildOpenApi` over the manifest the app
 * was built from (server.ts hands it in; a route cannot import the manifest,
 * which imports every route). Built once, on the first request that needs it.
 */
import type { Manifest } from "@/framework/types.ts";
import type { Config } from "@/platform/config.ts";
import { buildOpenApi } from "./openapi.ts";

export const API_TITLE = "Gafus API";
export const API_VERSION = "1";

const DESCRIPTION = [
  "The JSON API of Gafus, a dog-training course platform.",
  "",
  "**Apps** sign in at `POST /api/v1/auth/token` (or register at `POST /api/v1/auth/register`)",
  "and get an access token (15 minutes) and a refresh token (30 days, one use each). Send",
  "`Authorization: Bearer <accessToken>` with every call; no CSRF token is needed. Before it",
  "expires, exchange the refresh token at `POST /api/v1/auth/refresh` for a new pair. A refresh",
  "token used twice revokes that login. `POST /api/v1/auth/logout` ends it.",
  "",
  "**Browsers** use the session cookie and send the CSRF token (`GET /api/v1/auth/session`) in",
  "the `X-CSRF-Token` header of every unsafe call. A call with both a bearer token and the",
  "cookie is answered as the bearer token's user; the cookie is ignored.",
  "",
  "Errors are `{error, message, fields?}` with `message` in the caller's language",
  "(Accept-Language). Each login has a budget of calls per minute: over it, 429 with Retry-After.",
].join("\n");

export function apiDocument(manifest: Manifest, config: Pick<Config, "publicUrl">) {
  let doc: Record<string, unknown> | undefined;
  return (): Record<string, unknown> =>
    doc ??= buildOpenApi(manifest, {
      title: API_TITLE,
      version: API_VERSION,
      description: DESCRIPTION,
      serverUrl: config.publicUrl,
    });
}
