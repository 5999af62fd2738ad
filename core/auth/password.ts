/**
 * Password hashing with scrypt (memory-hard; `node:crypto`, async, off the
 * main thread).
 *
 * Stored form: `scrypt$ln=15,r=8,p=1$<salt>$<hash>` — salt (16 random bytes)
 * and hash (32 bytes) in unpadded base64url. The cost parameters travel with
 * each hash, so they can be raised later: `verifyPassword` uses the ones in the
 * string, and `needsRehash` says when a successful login should store a new
 * hash with the current ones.
 *
 * Cost, measured on the build machine (Deno 2.9.6, 2 vCPU), one hash:
 *   ln=14 r=8 p=1 (16 MiB) ≈ 36 ms;  ln=14 r=8 p=2 (16 MiB) ≈ 70 ms;
 *   ln=15 r=8 p=1 (32 MiB) ≈ 75–85 ms (median 82 ms with the machine busy);
 *   ln=16 r=8 p=1 (64 MiB) ≈ 160–170 ms.
 * We use N=2^15, r=8, p=1: twice the memory of the p=2 option for about the
 * same time, which is what makes scrypt expensive on GPUs. Hashes run on a
 * worker thread pool (four at once took ~175 ms in total), so they do not block
 * the event loop; `maxmem` is derived from the parameters (≈33 MiB here).
 *
 * Passwords are NFKC-normalised first, so the same password typed on
 * different keyboards (composed or decomposed «й», «ё») gives the same hash.
 */
import { scrypt, timingSafeEqual } from "node:crypto";
import { fromBase64Url, toBase64Url } from "@/platform/encoding.ts";

export interface ScryptParams {
  /** log2 of N (CPU/memory cost). */
  ln: number;
  /** Block size. */
  r: number;
  /** Parallelism. */
  p: number;
}

/** The parameters new hashes get. */
export const CURRENT_PARAMS: Readonly<ScryptParams> = Object.freeze({ ln: 15, r: 8, p: 1 });

const SALT_BYTES = 16;
const KEY_BYTES = 32;
// Bounds for parameters read from a stored hash: a corrupt or hostile value
// must not make one login allocate gigabytes.
const MAX_LN = 20;
const MAX_R = 32;
const MAX_P = 16;
const MAX_MEM = 1024 * 1024 * 1024;

const PREFIX = "scrypt";

/** Memory scrypt needs (128·N·r, plus the p·128·r block), with head-room for node's check. */
function maxmemFor({ ln, r, p }: ScryptParams): number {
  return 128 * r * (2 ** ln + p + 2) + 1024 * 1024;
}

function derive(password: string, salt: Uint8Array, params: ScryptParams, keylen: number) {
  return new Promise<Uint8Array>((resolve, reject) => {
    scrypt(
      password.normalize("NFKC"),
      salt,
      keylen,
      { N: 2 ** params.ln, r: params.r, p: params.p, maxmem: maxmemFor(params) },
      (err, key) => err ? reject(err) : resolve(new Uint8Array(key)),
    );
  });
}

function format(params: ScryptParams, salt: Uint8Array, hash: Uint8Array): string {
  return `${PREFIX}$ln=${params.ln},r=${params.r},p=${params.p}$${toBase64Url(salt)}$${
    toBase64Url(hash)
  }`;
}

interface Parsed {
  params: ScryptParams;
  salt: Uint8Array;
  hash: Uint8Array;
}

const HASH_RE =
  /^scrypt\$ln=(\d{1,2}),r=(\d{1,3}),p=(\d{1,3})\$([A-Za-z0-9_-]+)\$([A-Za-z0-9_-]+)$/;

function parse(stored: string): Parsed | undefined {
  const m = HASH_RE.exec(stored);
  if (!m) return undefined;
  const params = { ln: Number(m[1]), r: Number(m[2]), p: Number(m[3]) };
  if (params.ln < 1 || params.ln > MAX_LN) return undefined;
  if (params.r < 1 || params.r > MAX_R || params.p < 1 || params.p > MAX_P) return undefined;
  if (maxmemFor(params) > MAX_MEM) return undefined;
  try {
    const salt = fromBase64Url(m[4]);
    const hash = fromBase64Url(m[5]);
    if (salt.length < 8 || hash.length < 16) return undefined;
    return { params, salt, hash };
  } catch {
    return undefined;
  }
}

/** A new hash of `password` with a fresh random salt and the current parameters. */
export async function hashPassword(password: string): Promise<string> {
  const salt = crypto.getRandomValues(new Uint8Array(SALT_BYTES));
  const hash = await derive(password, salt, CURRENT_PARAMS, KEY_BYTES);
  return format(CURRENT_PARAMS, salt, hash);
}

/**
 * True when `password` matches `stored`. A malformed `stored` gives false
 * (never throws), so a broken row cannot be logged into.
 */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parse(stored);
  if (!parsed) return false;
  const candidate = await derive(password, parsed.salt, parsed.params, parsed.hash.length);
  return candidate.length === parsed.hash.length && timingSafeEqual(candidate, parsed.hash);
}

/** True when `stored` was made with other parameters than the current ones (or is not ours). */
export function needsRehash(stored: string): boolean {
  const parsed = parse(stored);
  if (!parsed) return true;
  const { ln, r, p } = parsed.params;
  return ln !== CURRENT_PARAMS.ln || r !== CURRENT_PARAMS.r || p !== CURRENT_PARAMS.p ||
    parsed.salt.length !== SALT_BYTES || parsed.hash.length !== KEY_BYTES;
}

let dummyHash: Promise<string> | undefined;

/**
 * Spends the time of a real verification and returns false. Call it when the
 * username does not exist, so response times do not reveal which accounts exist.
 */
export async function verifyAgainstNothing(password: string): Promise<false> {
  dummyHash ??= hashPassword(crypto.randomUUID());
  await verifyPassword(password, await dummyHash);
  return false;
}
