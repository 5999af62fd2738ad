/**
 * The islands' props as devalue wrote them (framework/islands.ts), read
 * without devalue for the shapes pages pass: strings, numbers, booleans,
 * null, undefined, NaN / ±Infinity / -0, arrays (with holes), plain objects,
 * dates, and values shared or cyclic. Anything else (Set, Map, RegExp,
 * BigInt, typed arrays, a custom type such as a signal, sparse arrays, bad
 * input) answers `UNSUPPORTED`, and the runtime reads the string with
 * devalue itself, loaded then (≈ 1.8 KB gzip that no page needed so far).
 */

export const UNSUPPORTED: unique symbol = Symbol("unsupported");

export function parseCommon(serialized: string): unknown {
  let values: unknown;
  try {
    values = JSON.parse(serialized);
  } catch {
    return UNSUPPORTED;
  }
  if (!Array.isArray(values) || values.length === 0) return UNSUPPORTED;
  const list = values as unknown[];
  const done: unknown[] = Array(list.length);
  const get = (i: unknown): unknown => {
    if (i === -1) return undefined;
    if (i === -3) return NaN;
    if (i === -4) return Infinity;
    if (i === -5) return -Infinity;
    if (i === -6) return -0;
    if (typeof i !== "number" || !Number.isInteger(i) || i < 0 || i >= list.length) {
      throw UNSUPPORTED;
    }
    if (i in done) return done[i];
    const v = list[i];
    if (!v || typeof v !== "object") return (done[i] = v);
    if (Array.isArray(v)) {
      if (v[0] === "Date" && typeof v[1] === "string") return (done[i] = new Date(v[1]));
      if (typeof v[0] === "string" || v[0] === -7) throw UNSUPPORTED;
      const a: unknown[] = Array(v.length);
      done[i] = a;
      for (let k = 0; k < v.length; k++) if (v[k] !== -2) a[k] = get(v[k]);
      return a;
    }
    const o: Record<string, unknown> = {};
    done[i] = o;
    for (const k of Object.keys(v)) {
      if (k === "__proto__") throw UNSUPPORTED;
      o[k] = get((v as Record<string, unknown>)[k]);
    }
    return o;
  };
  try {
    return get(0);
  } catch (e) {
    if (e === UNSUPPORTED) return UNSUPPORTED;
    throw e;
  }
}
