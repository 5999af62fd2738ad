/**
 * Test doubles for the two ends of Web Push, written independently of
 * core/push so the tests check the app against the RFCs, not against itself:
 *
 * - `newBrowserSubscription()` makes what a browser makes (a P-256 key pair
 *   and a 16-byte auth secret) and decrypts an `aes128gcm` body with the
 *   private key (RFC 8291, the user agent's side).
 * - `startPushService()` is a push service on 127.0.0.1: it records each
 *   request and answers with the status set per path (201 by default).
 */
import { importJWK, jwtVerify } from "jose";
import { concatBytes, fromBase64Url, toBase64Url } from "@/platform/encoding.ts";

const enc = new TextEncoder();

async function hkdf(
  salt: Uint8Array<ArrayBuffer>,
  ikm: Uint8Array<ArrayBuffer>,
  info: Uint8Array<ArrayBuffer>,
  bytes: number,
) {
  const key = await crypto.subtle.importKey("raw", ikm, "HKDF", false, ["deriveBits"]);
  return new Uint8Array(
    await crypto.subtle.deriveBits({ name: "HKDF", hash: "SHA-256", salt, info }, key, bytes * 8),
  );
}

export interface BrowserSubscription {
  p256dh: string;
  auth: string;
  /** RFC 8291 decryption with the subscription's private key; returns the plaintext. */
  decrypt(
    body: Uint8Array,
  ): Promise<{ plaintext: string; recordSize: number; paddedLength: number }>;
}

/** Decrypts `body` for a user agent with private key `uaPrivate` (ECDH) and `auth`. */
export async function decryptAes128gcm(
  body: Uint8Array,
  uaPrivate: CryptoKey,
  uaPublicRaw: Uint8Array,
  authSecret: Uint8Array<ArrayBuffer>,
): Promise<{ plaintext: string; recordSize: number; paddedLength: number }> {
  const salt = body.slice(0, 16);
  const recordSize = new DataView(body.buffer, body.byteOffset).getUint32(16);
  const idlen = body[20];
  const asPublic = body.slice(21, 21 + idlen);
  const sealed = body.slice(21 + idlen);
  if (idlen !== 65 || asPublic[0] !== 4) throw new Error("keyid is not a P-256 point");
  if (sealed.length > recordSize) throw new Error("more than one record");
  const asKey = await crypto.subtle.importKey(
    "raw",
    asPublic,
    { name: "ECDH", namedCurve: "P-256" },
    false,
    [],
  );
  const ecdh = new Uint8Array(
    await crypto.subtle.deriveBits({ name: "ECDH", public: asKey }, uaPrivate, 256),
  );
  const ikm = await hkdf(
    authSecret,
    ecdh,
    concatBytes(enc.encode("WebPush: info\0"), uaPublicRaw, asPublic),
    32,
  );
  const cek = await hkdf(salt, ikm, enc.encode("Content-Encoding: aes128gcm\0"), 16);
  const nonce = await hkdf(salt, ikm, enc.encode("Content-Encoding: nonce\0"), 12);
  const key = await crypto.subtle.importKey("raw", cek, "AES-GCM", false, ["decrypt"]);
  const record = new Uint8Array(
    await crypto.subtle.decrypt({ name: "AES-GCM", iv: nonce }, key, sealed),
  );
  let end = record.length;
  while (end > 0 && record[end - 1] === 0) end--;
  if (record[end - 1] !== 2) throw new Error("missing last-record delimiter 0x02");
  return {
    plaintext: new TextDecoder().decode(record.subarray(0, end - 1)),
    recordSize,
    paddedLength: record.length,
  };
}

export async function newBrowserSubscription(): Promise<BrowserSubscription> {
  const pair = await crypto.subtle.generateKey({ name: "ECDH", namedCurve: "P-256" }, true, [
    "deriveBits",
  ]);
  const uaPublic = new Uint8Array(await crypto.subtle.exportKey("raw", pair.publicKey));
  const auth = crypto.getRandomValues(new Uint8Array(16));
  return {
    p256dh: toBase64Url(uaPublic),
    auth: toBase64Url(auth),
    decrypt: (body) => decryptAes128gcm(body, pair.privateKey, uaPublic, auth),
  };
}

export interface PushRequest {
  path: string;
  headers: Headers;
  body: Uint8Array<ArrayBuffer>;
}

export interface PushService {
  origin: string;
  /** A fresh endpoint URL on this service. */
  endpoint(name?: string): string;
  requests: PushRequest[];
  /** Answer requests to `endpoint` with this status from now on. */
  answer(endpoint: string, status: number): void;
  [Symbol.asyncDispose](): Promise<void>;
}

export function startPushService(): PushService {
  const statuses = new Map<string, number>();
  const requests: PushRequest[] = [];
  let n = 0;
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    const path = new URL(req.url).pathname;
    requests.push({ path, headers: req.headers, body: new Uint8Array(await req.arrayBuffer()) });
    const status = statuses.get(path) ?? 201;
    return new Response(status >= 400 ? `status ${status}` : null, { status });
  });
  const origin = `http://127.0.0.1:${server.addr.port}`;
  return {
    origin,
    endpoint: (name = `sub-${++n}`) => `${origin}/wpush/v2/${name}-${crypto.randomUUID()}`,
    requests,
    answer(endpoint, status) {
      statuses.set(new URL(endpoint).pathname, status);
    },
    async [Symbol.asyncDispose]() {
      await server.shutdown();
    },
  };
}

/**
 * Checks a request's `Authorization: vapid t=…, k=…` the way a push service
 * does: the key is the app's, the JWT is ES256-signed by it, `aud` is the
 * service's origin, `exp` is in the future and at most 24 h away, `sub` is set.
 */
export async function verifyVapid(
  headers: Headers,
  expected: { publicKey: string; audience: string; subject: string },
): Promise<{ exp: number }> {
  const auth = headers.get("authorization") ?? "";
  const m = /^vapid t=([A-Za-z0-9_.-]+), k=([A-Za-z0-9_-]+)$/.exec(auth);
  if (!m) throw new Error(`not a VAPID authorization header: ${auth}`);
  const [, token, k] = m;
  if (k !== expected.publicKey) throw new Error("k is not the app's VAPID public key");
  const raw = fromBase64Url(k);
  const key = await importJWK({
    kty: "EC",
    crv: "P-256",
    x: toBase64Url(raw.subarray(1, 33)),
    y: toBase64Url(raw.subarray(33, 65)),
  }, "ES256");
  const { payload, protectedHeader } = await jwtVerify(token, key, {
    audience: expected.audience,
    algorithms: ["ES256"],
  });
  if (protectedHeader.typ !== "JWT") throw new Error("typ is not JWT");
  const now = Math.floor(Date.now() / 1000);
  if (typeof payload.exp !== "number" || payload.exp <= now || payload.exp > now + 24 * 3600) {
    throw new Error(`exp ${payload.exp} is not within 24 hours`);
  }
  if (payload.sub !== expected.subject) throw new Error(`sub is ${payload.sub}`);
  return { exp: payload.exp };
}
