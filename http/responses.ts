/** Small response helpers shared by routes. */

/** POST-redirect-GET: after a form is handled, send the browser to a page. */
export function redirect(
  location: string,
  status: 301 | 302 | 303 | 307 | 308 = 303,
  headers?: HeadersInit,
): Response {
  const h = new Headers(headers);
  h.set("location", location);
  return new Response(null, { status, headers: h });
}
