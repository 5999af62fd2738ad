/**
 * File-system routing rules, as Fresh: file path → URL pattern, special files
 * (`_app`, `_layout`, `_middleware`, `_404`, `_500`/`_error`), groups, and
 * the order in which patterns are tried (static before dynamic, catch-all last).
 */

export type SpecialKind = "app" | "layout" | "middleware" | "notFound" | "error";

const SPECIAL: Record<string, SpecialKind> = {
  _app: "app",
  _layout: "layout",
  _middleware: "middleware",
  _404: "notFound",
  _500: "error",
  _error: "error",
};

export const ROUTE_FILE_RE = /\.(tsx|ts|jsx|js)$/;
export const TEST_FILE_RE = /([._]test|_bench)\.(tsx|ts|jsx|js)$/;

export interface ParsedRouteFile {
  /** Manifest key, e.g. `./routes/courses/[slug].tsx`. */
  file: string;
  /** Directory parts below routes/, groups included, e.g. `["(app)", "courses"]`. */
  dirs: string[];
  special?: SpecialKind;
  /** Hono pattern for normal routes. */
  pattern?: string;
  /** Sort key: one rank per URL segment (0 static, 1 param, 2 optional, 3 rest). */
  ranks?: number[];
}

export class RouteSyntaxError extends Error {
  constructor(file: string, why: string) {
    super(`${file}: ${why}`);
    this.name = "RouteSyntaxError";
  }
}

const PARAM_RE = /^\[([A-Za-z_$][\w$]*)\]$/;
const OPTIONAL_RE = /^\[\[([A-Za-z_$][\w$]*)\]\]$/;
const REST_RE = /^\[\.\.\.([A-Za-z_$][\w$]*)\]$/;
export const GROUP_RE = /^\(([^)]+)\)$/;

function segmentToPattern(file: string, seg: string): { text: string; rank: number } {
  let m = REST_RE.exec(seg);
  if (m) return { text: `:${m[1]}{.+}`, rank: 3 };
  m = OPTIONAL_RE.exec(seg);
  if (m) return { text: `:${m[1]}?`, rank: 2 };
  m = PARAM_RE.exec(seg);
  if (m) return { text: `:${m[1]}`, rank: 1 };
  if (seg.includes("][")) {
    throw new RouteSyntaxError(file, `parameters next to each other in "${seg}"`);
  }
  if (seg.includes("[") || seg.includes("]")) {
    throw new RouteSyntaxError(file, `"${seg}" mixes text and a parameter in one segment`);
  }
  return { text: encodeURIComponent(seg).replaceAll("%40", "@"), rank: 0 };
}

/**
 * Parses a manifest key (`./routes/a/(g)/[id].tsx`). Returns `null` for files
 * that are not routes (tests, private `(_x)` folders).
 */
export function parseRouteFile(file: string): ParsedRouteFile | null {
  if (!file.startsWith("./routes/")) throw new RouteSyntaxError(file, "must be under ./routes/");
  if (TEST_FILE_RE.test(file)) return null;
  const rel = file.slice("./routes/".length).replace(ROUTE_FILE_RE, "");
  const parts = rel.split("/");
  const name = parts.pop()!;
  if (parts.some((p) => /^\(_/.test(p))) return null;
  const special = SPECIAL[name];
  if (special) {
    if ((special === "app" || special === "notFound") && parts.length > 0) {
      throw new RouteSyntaxError(file, `${name} is global and must sit directly in routes/`);
    }
    return { file, dirs: parts, special };
  }
  if (name.startsWith("_")) {
    throw new RouteSyntaxError(file, `unknown special file "${name}"`);
  }
  const segs: { text: string; rank: number }[] = [];
  for (const p of [...parts, name]) {
    if (GROUP_RE.test(p)) continue;
    segs.push(segmentToPattern(file, p));
  }
  if (segs.length && name === "index" && segs[segs.length - 1].text === "index") segs.pop();
  const restAt = segs.findIndex((s) => s.rank === 3);
  if (restAt >= 0 && restAt !== segs.length - 1) {
    throw new RouteSyntaxError(file, "a [...rest] segment must be the last one");
  }
  return {
    file,
    dirs: parts,
    pattern: "/" + segs.map((s) => s.text).join("/"),
    ranks: segs.map((s) => s.rank),
  };
}

/** Static before dynamic, optional after param, catch-all last; then by text. */
export function compareRoutes(a: ParsedRouteFile, b: ParsedRouteFile): number {
  const ra = a.ranks!, rb = b.ranks!;
  const n = Math.min(ra.length, rb.length);
  for (let i = 0; i < n; i++) {
    if (ra[i] !== rb[i]) return ra[i] - rb[i];
  }
  // Same ranks on the shared prefix: patterns of different length overlap only
  // through optional segments, where the shorter (more specific) one goes first.
  if (ra.length !== rb.length) return ra.length - rb.length;
  return a.pattern! < b.pattern! ? -1 : a.pattern! > b.pattern! ? 1 : 0;
}

/** True when `dirs` (of a special file) is an ancestor of, or equal to, `of`. */
export function isAncestorDir(dirs: string[], of: string[]): boolean {
  if (dirs.length > of.length) return false;
  return dirs.every((d, i) => of[i] === d);
}
