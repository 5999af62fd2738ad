/**
 * Row ids: UUIDv7 as text. Time-ordered ids keep B-tree inserts local and let
 * lists sort by id when they sort by creation.
 */
import { toHex } from "./encoding.ts";

let lastMs = 0;
let seq = 0;

export function newId(now = Date.now()): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  // Same millisecond: bump a 12-bit counter so ids from one process stay ordered.
  if (now === lastMs) seq = (seq + 1) & 0xfff;
  else {
    lastMs = now;
    seq = ((bytes[6] & 0x0f) << 8) | bytes[7];
  }
  const ms = BigInt(now);
  for (let i = 0; i < 6; i++) bytes[i] = Number((ms >> BigInt(8 * (5 - i))) & 0xffn);
  bytes[6] = 0x70 | (seq >> 8);
  bytes[7] = seq & 0xff;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const h = toHex(bytes);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** True for the id format we issue; lets routes answer 404 before touching the database. */
export function isId(value: string): boolean {
  return UUID_RE.test(value);
}
