/**
 * Per-video AES-128 content keys. A key is 16 random bytes; the database
 * keeps it sealed with AES-256-GCM under a key derived from the server's
 * `VIDEO_SECRET`, so a database dump alone does not decrypt the media, and
 * the storage never holds the key at all. Only the access-checked key
 * endpoint opens it.
 */
import { fromBase64Url, toBase64Url } from "@/platform/encoding.ts";

const VERSION = "v1";

/** A fresh content key for one video. */
export function newContentKey(): Uint8Array<ArrayBuffer> {
  return crypto.getRandomValues(new Uint8Array(16));
}

const wrapKeys = new Map<string, Promise<CryptoKey>>();

function wrapKey(secret: string): Promise<CryptoKey> {
  let k = wrapKeys.get(secret);
  if (!k) {
    k = (async () => {
      const base = await crypto.subtle.importKey(
        "raw",
        new TextEncoder().encode(secret),
        "HKDF",
        false,
        ["deriveKey"],
      );
      return crypto.subtle.deriveKey(
        {
          name: "HKDF",
          hash: "SHA-256",
          salt: new Uint8Array(0),
          info: new TextEncoder().encode("gafus video content key v1"),
        },
        base,
        { name: "AES-GCM", length: 256 },
        false,
        ["encrypt", "decrypt"],
      );
    })();
    wrapKeys.set(secret, k);
  }
  return k;
}

/** Seal a content key for the `videos.encryption_key` column. */
export async function sealContentKey(
  secret: string,
  key: Uint8Array<ArrayBuffer>,
): Promise<string> {
  if (key.length !== 16) throw new Error("an HLS content key is 16 bytes");
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const sealed = new Uint8Array(
    await crypto.subtle.encrypt({ name: "AES-GCM", iv }, await wrapKey(secret), key),
  );
  return `${VERSION}.${toBase64Url(iv)}.${toBase64Url(sealed)}`;
}

/** Open a sealed content key; throws when it was sealed under another secret or altered. */
export async function openContentKey(
  secret: string,
  sealed: string,
): Promise<Uint8Array<ArrayBuffer>> {
  const [version, iv, data] = sealed.split(".");
  if (version !== VERSION || !iv || !data) throw new Error("not a sealed video key");
  const plain = await crypto.subtle.decrypt(
    { name: "AES-GCM", iv: fromBase64Url(iv) },
    await wrapKey(secret),
    fromBase64Url(data),
  );
  return new Uint8Array(plain);
}
