/**
 * Web Push message encryption (RFC 8291) in the `aes128gcm` content coding
 * (RFC 8188), with WebCrypto only.
 *
 * Per message: a fresh ephemeral P-256 key pair and a fresh 16-byte salt.
 *
 *   ecdh_secret = ECDH(as_private, ua_public)
 *   IKM   = HKDF(salt = auth_secret, ikm = ecdh_secret,
 *                info = "WebPush: info" 0x00 ‖ ua_public ‖ as_public, 32)
 *   CEK   = HKDF(salt, IKM, "Content-Encoding: aes128gcm" 0x00, 16)
 *   NONCE = HKDF(salt, IKM, "Content-Encoding: nonce" 0x00, 12)
 *   body  = salt(16) ‖ rs(4, BE) ‖ idlen(1) = 65 ‖ as_public(65)
 *           ‖ AES-128-GCM(CEK, NONCE, plaintext ‖ 0x02 ‖ 0x00…)
 *
 * Web Push allows a single record, so the whole padded plaintext plus the
 * 16-byte tag must fit the record size, and the whole body must fit what
 * push services accept.
 */
import { decodeBase64Url, importP256Public, isP256Point } from "./keys.ts";
import { concatBytes } from "@/platform/encoding.ts";
import { AppError } from "../app_error.ts";

/** The record size written in the header (the usual value; we only send one record). */
export const RECORD_SIZE = 4096;
/** salt (16) + rs (4) + idlen (1) + keyid = as_public (65). */
export const HEADER_BYTES = 86;
const TAG_BYTES = 16;
/**
 * Largest body we send. Push services must take 4096 bytes, but Firefox for
 * Android's service stops near 3 KB, so stay under that.
 */
export const MAX_BODY_BYTES = 3000;
/** Largest plaintext: the body minus header, tag and the 0x02 delimiter. */
export const MAX_PLAINTEXT_BYTES = MAX_BODY_BYTES - HEADER_BYTES - TAG_BYTES - 1;
/** Default padding: plaintext lengths are rounded up to this, so sizes leak less. */
export const PAD_BLOCK = 128;

const enc = new TextEncoder();
const KEY_INFO_PREFIX = enc.encode("WebPush: info\0");
const CEK_INFO = enc.encode("Content-Encoding: aes128gcm\0");
const NONCE_INFO = enc.encode("Content-Encoding: nonce\0");

/** A subscription's keys as the browser gives them (base64url). */
export interface PushKeys {
  p256dh: string;
  auth: string;
}

export class InvalidPushKeysError extends AppError {
  constructor(message: string) {
    super(400, "invalid", "validation.invalid", {
      fields: { keys: "validation.invalid" },
      message,
    });
    this.name = "InvalidPushKeysError";
  }
}

export class PayloadTooLargeError extends Error {
  constructor(readonly bytes: number) {
    super(`push payload of ${bytes} bytes exceeds ${MAX_PLAINTEXT_BYTES}`);
    this.name = "PayloadTooLargeError";
  }
}

export interface EncryptOptions {
  /** Round the plaintext up to a multiple of this many bytes; 0 = no padding. */
  padBlock?: number;
  /** Fixed salt (test vectors only: reusing a salt with a key breaks AES-GCM). */
  salt?: Uint8Array<ArrayBuffer>;
  /** Fixed sender ECDH key pair (test vectors only). */
  senderKeys?: CryptoKeyPair;
}

/** HKDF-SHA-256 (extract and expand) → `length` bytes. */
export async function hkdf(
  salt: Uint8Array<ArrayBuffer>,
  ikm: Uint8Array<ArrayBuffer>,
  info: Uint8Array<ArrayBuffer>,
  length: number,
): Promise<Uint8Array<ArrayBuffer>> {
  const key = await crypto.subtle.importKey("raw", ikm, "HKDF", false, ["deriveBits"]);
  const bits = await crypto.subtle.deriveBits(
    { name: "HKDF", hash: "SHA-256", salt, info },
    key,
    length * 8,
  );
  return new Uint8Array(bits);
}

/** Decodes and checks a subscription's keys (65-byte point, 16-byte secret). */
export function decodePushKeys(
  keys: PushKeys,
): { uaPublic: Uint8Array<ArrayBuffer>; authSecret: Uint8Array<ArrayBuffer> } {
  const uaPublic = decodeBase64Url(keys.p256dh);
  if (!uaPublic || !isP256Point(uaPublic)) {
    throw new InvalidPushKeysError("p256dh is not an uncompressed point on P-256");
  }
  const authSecret = decodeBase64Url(keys.auth);
  if (!authSecret || authSecret.length !== 16) {
    throw new InvalidPushKeysError("auth is not 16 bytes");
  }
  return { uaPublic, authSecret };
}

/** Encrypts `plaintext` for one subscription; returns the request body. */
export async function encryptPayload(
  plaintext: Uint8Array,
  keys: PushKeys,
  opts: EncryptOptions = {},
): Promise<Uint8Array<ArrayBuffer>> {
  if (plaintext.length > MAX_PLAINTEXT_BYTES) throw new PayloadTooLargeError(plaintext.length);
  const { uaPublic, authSecret } = decodePushKeys(keys);
  const uaKey = await importP256Public(uaPublic, "ECDH");

  const sender = opts.senderKeys ??
    await crypto.subtle.generateKey({ name: "ECDH", namedCurve: "P-256" }, true, ["deriveBits"]);
  const asPublic = new Uint8Array(await crypto.subtle.exportKey("raw", sender.publicKey));
  const ecdhSecret = new Uint8Array(
    await crypto.subtle.deriveBits({ name: "ECDH", public: uaKey }, sender.privateKey, 256),
  );
  const ikm = await hkdf(
    authSecret,
    ecdhSecret,
    concatBytes(KEY_INFO_PREFIX, uaPublic, asPublic),
    32,
  );
  const salt = opts.salt ?? crypto.getRandomValues(new Uint8Array(16));
  const cek = await hkdf(salt, ikm, CEK_INFO, 16);
  const nonce = await hkdf(salt, ikm, NONCE_INFO, 12);

  // One record: data, the 0x02 "last record" delimiter, then zero padding.
  const block = opts.padBlock ?? PAD_BLOCK;
  const minimal = plaintext.length + 1;
  const padded = block > 0
    ? Math.min(Math.ceil(minimal / block) * block, MAX_PLAINTEXT_BYTES + 1)
    : minimal;
  const record = new Uint8Array(padded);
  record.set(plaintext);
  record[plaintext.length] = 0x02;

  const key = await crypto.subtle.importKey("raw", cek, "AES-GCM", false, ["encrypt"]);
  const sealed = new Uint8Array(
    await crypto.subtle.encrypt({ name: "AES-GCM", iv: nonce, tagLength: 128 }, key, record),
  );

  const header = new Uint8Array(HEADER_BYTES);
  header.set(salt, 0);
  new DataView(header.buffer).setUint32(16, RECORD_SIZE);
  header[20] = asPublic.length;
  header.set(asPublic, 21);
  return concatBytes(header, sealed);
}
