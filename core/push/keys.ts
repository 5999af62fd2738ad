/**
 * P-256 keys in the raw forms Web Push uses: an uncompressed public point
 * (65 bytes, `0x04 ‖ x ‖ y`) and a private scalar `d` (32 bytes), both
 * base64url. WebCrypto imports a private EC key only as JWK or PKCS#8, so the
 * JWK is assembled from the two.
 */
import { fromBase64Url, toBase64Url } from "@/platform/encoding.ts";

export type P256Use = "ECDH" | "ECDSA";

/** True when `bytes` looks like an uncompressed P-256 point. */
export function isUncompressedPoint(bytes: Uint8Array): boolean {
  return bytes.length === 65 && bytes[0] === 0x04;
}

// Curve P-256 (FIPS 186-4 D.1.2.3): y² = x³ − 3x + b over GF(p).
const P = 0xffffffff00000001000000000000000000000000ffffffffffffffffffffffffn;
const B = 0x5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604bn;

function toBigInt(bytes: Uint8Array): bigint {
  let n = 0n;
  for (const b of bytes) n = (n << 8n) | BigInt(b);
  return n;
}

/**
 * True for an uncompressed point that lies on P-256. WebCrypto in Deno
 * imports an off-curve point without complaint and fails only when the key
 * is used, so subscriptions are checked here when they are saved.
 */
export function isP256Point(bytes: Uint8Array): boolean {
  if (!isUncompressedPoint(bytes)) return false;
  const x = toBigInt(bytes.subarray(1, 33));
  const y = toBigInt(bytes.subarray(33, 65));
  if (x >= P || y >= P) return false;
  const rhs = ((x * x % P) * x - 3n * x + B) % P;
  return (y * y) % P === (rhs + P) % P;
}

export async function importP256Public(
  raw: Uint8Array<ArrayBuffer>,
  use: P256Use,
): Promise<CryptoKey> {
  return await crypto.subtle.importKey(
    "raw",
    raw,
    { name: use, namedCurve: "P-256" },
    true,
    use === "ECDSA" ? ["verify"] : [],
  );
}

export async function importP256Private(
  d: string,
  publicRaw: Uint8Array,
  use: P256Use,
  extractable = false,
): Promise<CryptoKey> {
  if (!isUncompressedPoint(publicRaw)) throw new Error("not an uncompressed P-256 public key");
  const jwk: JsonWebKey = {
    kty: "EC",
    crv: "P-256",
    x: toBase64Url(publicRaw.subarray(1, 33)),
    y: toBase64Url(publicRaw.subarray(33, 65)),
    d,
    ext: extractable,
  };
  return await crypto.subtle.importKey(
    "jwk",
    jwk,
    { name: use, namedCurve: "P-256" },
    extractable,
    use === "ECDSA" ? ["sign"] : ["deriveBits"],
  );
}

/** Decodes base64url, or returns null for text that is not base64url. */
export function decodeBase64Url(text: string): Uint8Array<ArrayBuffer> | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) return null;
  try {
    return fromBase64Url(text);
  } catch {
    return null;
  }
}
