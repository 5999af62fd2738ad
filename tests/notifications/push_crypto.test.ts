/**
 * Web Push crypto against the RFCs: the RFC 8291 worked example byte for
 * byte, round trips through an independent decryption, padding and size
 * limits, and VAPID tokens a push service accepts (RFC 8292).
 */
import { assert, assertEquals, assertRejects } from "../helpers/assert.ts";
import { fromBase64Url, toBase64Url } from "@/platform/encoding.ts";
import {
  encryptPayload,
  InvalidPushKeysError,
  MAX_BODY_BYTES,
  MAX_PLAINTEXT_BYTES,
  PayloadTooLargeError,
} from "@/core/push/encrypt.ts";
import { importP256Private, importP256Public } from "@/core/push/keys.ts";
import { VAPID_TOKEN_TTL_SEC, vapidAuthorization } from "@/core/push/vapid.ts";
import { generateVapidKeys } from "@/platform/config.ts";
import { decryptAes128gcm, newBrowserSubscription, verifyVapid } from "./push_service.ts";

// RFC 8291, Section 5 and Appendix A.
const RFC = {
  plaintext: "When I grow up, I want to be a watermelon",
  asPublic:
    "BP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A8",
  asPrivate: "yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw",
  uaPublic:
    "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4",
  uaPrivate: "q1dXpw3UpT5VOmu_cf_v6ih07Aems3njxI-JWgLcM94",
  salt: "DGv6ra1nlYgDCS1FRnbzlw",
  auth: "BTBZMqHH6r4Tts7J_aSIgg",
  body: "DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLoc" +
    "InmYWAmS6TlzAC8wEqKK6PBru3jl7A_yl95bQpu6cVPTpK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWG" +
    "NWQexSgSxsj_Qulcy4a-fN",
};

Deno.test("push encryption reproduces the RFC 8291 example byte for byte", async () => {
  const asPublic = fromBase64Url(RFC.asPublic);
  const senderKeys: CryptoKeyPair = {
    publicKey: await importP256Public(asPublic, "ECDH"),
    privateKey: await importP256Private(RFC.asPrivate, asPublic, "ECDH"),
  };
  const body = await encryptPayload(
    new TextEncoder().encode(RFC.plaintext),
    { p256dh: RFC.uaPublic, auth: RFC.auth },
    { salt: fromBase64Url(RFC.salt), senderKeys, padBlock: 0 },
  );
  assertEquals(toBase64Url(body), RFC.body);

  // And the user agent of the example can open it.
  const uaPublic = fromBase64Url(RFC.uaPublic);
  const uaPrivate = await importP256Private(RFC.uaPrivate, uaPublic, "ECDH");
  const opened = await decryptAes128gcm(body, uaPrivate, uaPublic, fromBase64Url(RFC.auth));
  assertEquals(opened.plaintext, RFC.plaintext);
  assertEquals(opened.recordSize, 4096);
});

Deno.test("push encryption: fresh key and salt per message, padded, decryptable", async () => {
  const sub = await newBrowserSubscription();
  const text = JSON.stringify({ title: "Вы великолепны!", body: "Вы успешно прошли «Сидеть»." });
  const a = await encryptPayload(new TextEncoder().encode(text), sub);
  const b = await encryptPayload(new TextEncoder().encode(text), sub);
  assert(toBase64Url(a.slice(0, 16)) !== toBase64Url(b.slice(0, 16)), "salt is reused");
  assert(toBase64Url(a.slice(21, 86)) !== toBase64Url(b.slice(21, 86)), "sender key is reused");
  for (const body of [a, b]) {
    const opened = await sub.decrypt(body);
    assertEquals(opened.plaintext, text);
    // Padded to a multiple of 128 bytes, so the length says little about the text.
    assertEquals(opened.paddedLength % 128, 0);
    assert(opened.paddedLength > new TextEncoder().encode(text).length);
  }
});

Deno.test("push encryption: the largest plaintext fits the body limit; larger is refused", async () => {
  const sub = await newBrowserSubscription();
  const max = new Uint8Array(MAX_PLAINTEXT_BYTES).fill(0x61);
  const body = await encryptPayload(max, sub);
  assertEquals(body.length, MAX_BODY_BYTES);
  assertEquals((await sub.decrypt(body)).plaintext.length, MAX_PLAINTEXT_BYTES);
  await assertRejects(
    () => encryptPayload(new Uint8Array(MAX_PLAINTEXT_BYTES + 1), sub),
    PayloadTooLargeError,
  );
});

Deno.test("push encryption refuses keys of the wrong shape or off the curve", async () => {
  const sub = await newBrowserSubscription();
  const data = new Uint8Array([1, 2, 3]);
  await assertRejects(
    () => encryptPayload(data, { p256dh: sub.p256dh.slice(0, 40), auth: sub.auth }),
    InvalidPushKeysError,
  );
  await assertRejects(
    () => encryptPayload(data, { p256dh: sub.p256dh, auth: toBase64Url(new Uint8Array(8)) }),
    InvalidPushKeysError,
  );
  const offCurve = new Uint8Array(65).fill(7);
  offCurve[0] = 4;
  await assertRejects(
    () => encryptPayload(data, { p256dh: toBase64Url(offCurve), auth: sub.auth }),
    InvalidPushKeysError,
  );
});

Deno.test("VAPID: ES256 token for the push service origin, ≤ 24 h, reused per origin", async () => {
  const keys = { ...await generateVapidKeys(), subject: "mailto:ops@gafus.test" };
  const endpoint = "https://push.example.net:8443/wpush/v2/abc";
  const now = Date.now();
  const header = await vapidAuthorization(endpoint, keys, now);
  const h = new Headers({ authorization: header });
  const { exp } = await verifyVapid(h, {
    publicKey: keys.publicKey,
    audience: "https://push.example.net:8443",
    subject: keys.subject,
  });
  assertEquals(exp, Math.floor(now / 1000) + VAPID_TOKEN_TTL_SEC);

  // A burst to the same service signs once; another service gets its own audience.
  assertEquals(await vapidAuthorization(endpoint + "/other", keys, now + 60_000), header);
  const other = await vapidAuthorization("https://fcm.example.com/send/x", keys, now);
  assert(other !== header);
  await verifyVapid(new Headers({ authorization: other }), {
    publicKey: keys.publicKey,
    audience: "https://fcm.example.com",
    subject: keys.subject,
  });

  // Close to expiry, a new token is signed.
  const later = await vapidAuthorization(endpoint, keys, now + (VAPID_TOKEN_TTL_SEC - 1800) * 1000);
  assert(later !== header, "a token with under an hour left is not reused");
});

Deno.test("VAPID: a token signed with another key does not verify", async () => {
  const keys = { ...await generateVapidKeys(), subject: "mailto:ops@gafus.test" };
  const impostor = { ...await generateVapidKeys(), subject: keys.subject };
  const header = await vapidAuthorization("https://push.example.org/x", impostor);
  const forged = header.replace(/k=.*$/, `k=${keys.publicKey}`);
  await assertRejects(() =>
    verifyVapid(new Headers({ authorization: forged }), {
      publicKey: keys.publicKey,
      audience: "https://push.example.org",
      subject: keys.subject,
    })
  );
});
