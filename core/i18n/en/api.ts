/** The token API's errors and the API documentation page (/api/docs). */
import type { api as ru } from "../ru/api.ts";
import type { Message } from "../format.ts";

export const api: { [K in keyof typeof ru]: Message } = {
  "api.token.invalid": "The access token is invalid or has expired. Refresh it or sign in again.",
  "api.refresh.invalid": "The refresh token is not valid. Please sign in again.",
  "api.logout.noSession": "You are not signed in.",

  "api.docs.title": "API documentation",
  "api.docs.intro":
    "Everything a learner does in the browser can be done through the JSON API under /api/v1. A mobile app signs in at /api/v1/auth/token, gets a 15\u00a0minute access token and a 30\u00a0day refresh token, and sends the access token in an Authorization: Bearer header. Requests with a token need no CSRF token.",
  "api.docs.json": "OpenAPI 3.1 document (JSON)",
  "api.docs.contents": "Sections",
  "api.docs.parameters": "Parameters",
  "api.docs.body": "Request body",
  "api.docs.responses": "Responses",
  "api.docs.noBody": "no body",
  "api.docs.required": "required",
  "api.docs.optional": "optional",
  "api.docs.in.path": "in the path",
  "api.docs.in.query": "in the query",
  "api.docs.auth": "Access",
  "api.docs.auth.none": "no sign-in",
  "api.docs.auth.optional": "no sign-in (answer differs when signed in)",
  "api.docs.auth.user": "a signed-in user",
  "api.docs.auth.trainer": "a trainer",
  "api.docs.auth.staff": "a moderator or an admin",
  "api.docs.untagged": "Other",
  "api.docs.any": "any value",
  "api.docs.oneOf": "one of",
  "api.docs.listOf": "a list of",
};
