/**
 * SSRF through Web Push: a subscription's endpoint is a URL the server
 * POSTs to. In production it must not be a way to make the server send
 * requests to its own network. The name check refuses IP literals and
 * local suffixes, but a public DNS name may point anywhere: these names
 * resolve to 127.0.0.1 and to the cloud metadata address.
 */
import { assert, assertEquals } from "../helpers/assert.ts";
import { isAllowedEndpoint, subscriptionSchema } from "@/core/push/subscriptions.ts";

const KEYS = {
  // A valid P-256 point and a 16-byte auth secret (base64url).
  p256dh: "BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM",
  auth: "tBHItJI5svbpez7KI4CCXg",
};

Deno.test("in production a push endpoint whose name points into the server's network is refused", () => {
  const internal = [
    "https://127.0.0.1.nip.io/push/abc",
    "https://localtest.me/push/abc",
    "https://169.254.169.254.nip.io/latest/meta-data/",
    "https://10.0.0.5.sslip.io/admin",
  ];
  for (const endpoint of internal) {
    assert(!isAllowedEndpoint(endpoint, true), `accepted ${endpoint}`);
    assertEquals(
      subscriptionSchema(true).safeParse({ endpoint, keys: KEYS }).success,
      false,
      endpoint,
    );
  }
});

Deno.test("in production the push services browsers use are still accepted", () => {
  for (
    const endpoint of [
      "https://fcm.googleapis.com/fcm/send/abc:def",
      "https://updates.push.services.mozilla.com/wpush/v2/gAAAA",
      "https://web.push.apple.com/QGuQyavXutnMH",
    ]
  ) {
    assert(isAllowedEndpoint(endpoint, true), endpoint);
  }
});
