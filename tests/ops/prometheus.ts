/**
 * A strict reader of the Prometheus text format (0.0.4) for tests: every
 * line must be a HELP, a TYPE or a sample of a declared family; histograms
 * must have monotonic buckets ending in `+Inf` equal to `_count`, and `_sum`.
 */

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Family {
  name: string;
  help: string;
  type: "counter" | "gauge" | "histogram" | "summary" | "untyped";
  samples: Sample[];
}

const NAME = "[a-zA-Z_:][a-zA-Z0-9_:]*";
const HELP_RE = new RegExp(`^# HELP (${NAME}) (.*)$`);
const TYPE_RE = new RegExp(`^# TYPE (${NAME}) (counter|gauge|histogram|summary|untyped)$`);
const SAMPLE_RE = new RegExp(`^(${NAME})(\\{.*\\})? (\\S+)(?: (-?\\d+))?$`);
const LABEL_RE = /^([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\\\|\\"|\\n)*)"(,|$)/;

function parseValue(v: string, line: number): number {
  if (v === "+Inf") return Infinity;
  if (v === "-Inf") return -Infinity;
  if (v === "NaN") return NaN;
  if (!/^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(v)) {
    throw new Error(`line ${line}: bad value ${JSON.stringify(v)}`);
  }
  return Number(v);
}

function parseLabels(text: string, line: number): Record<string, string> {
  const out: Record<string, string> = {};
  let rest = text.slice(1, -1);
  while (rest.length) {
    const m = LABEL_RE.exec(rest);
    if (!m) throw new Error(`line ${line}: bad labels ${JSON.stringify(text)}`);
    if (m[1] in out) throw new Error(`line ${line}: label ${m[1]} twice`);
    out[m[1]] = m[2].replace(/\\(["\\n])/g, (_, c) => (c === "n" ? "\n" : c));
    rest = rest.slice(m[0].length);
  }
  return out;
}

/** The family a sample name belongs to (histogram suffixes stripped). */
function familyOf(name: string, families: Map<string, Family>): Family | undefined {
  if (families.has(name)) return families.get(name);
  for (const suffix of ["_bucket", "_sum", "_count"]) {
    if (name.endsWith(suffix)) {
      const f = families.get(name.slice(0, -suffix.length));
      if (f && (f.type === "histogram" || f.type === "summary")) return f;
    }
  }
  return undefined;
}

export function parsePrometheus(text: string): Map<string, Family> {
  if (!text.endsWith("\n")) throw new Error("the exposition must end with a newline");
  const families = new Map<string, Family>();
  const lines = text.slice(0, -1).split("\n");
  lines.forEach((raw, i) => {
    const n = i + 1;
    if (raw === "") throw new Error(`line ${n}: empty line`);
    let m = HELP_RE.exec(raw);
    if (m) {
      if (families.has(m[1])) throw new Error(`line ${n}: second HELP for ${m[1]}`);
      families.set(m[1], { name: m[1], help: m[2], type: "untyped", samples: [] });
      return;
    }
    m = TYPE_RE.exec(raw);
    if (m) {
      const f = families.get(m[1]);
      if (!f) throw new Error(`line ${n}: TYPE before HELP for ${m[1]}`);
      if (f.samples.length) throw new Error(`line ${n}: TYPE after samples of ${m[1]}`);
      f.type = m[2] as Family["type"];
      return;
    }
    if (raw.startsWith("#")) throw new Error(`line ${n}: unknown comment ${raw}`);
    m = SAMPLE_RE.exec(raw);
    if (!m) throw new Error(`line ${n}: not a sample: ${JSON.stringify(raw)}`);
    const f = familyOf(m[1], families);
    if (!f) throw new Error(`line ${n}: sample ${m[1]} of no declared family`);
    const sample = {
      name: m[1],
      labels: m[2] ? parseLabels(m[2], n) : {},
      value: parseValue(m[3], n),
    };
    if (f.type === "counter" && !(sample.value >= 0)) {
      throw new Error(`line ${n}: counter ${m[1]} is negative`);
    }
    f.samples.push(sample);
  });
  for (const f of families.values()) if (f.type === "histogram") checkHistogram(f);
  return families;
}

function seriesKey(labels: Record<string, string>): string {
  return JSON.stringify(
    Object.entries(labels).filter(([k]) => k !== "le").sort(([a], [b]) => a < b ? -1 : 1),
  );
}

function checkHistogram(f: Family) {
  const series = new Map<string, { buckets: [number, number][]; sum?: number; count?: number }>();
  for (const s of f.samples) {
    const key = seriesKey(s.labels);
    const entry = series.get(key) ?? { buckets: [] };
    series.set(key, entry);
    if (s.name === `${f.name}_bucket`) {
      if (!("le" in s.labels)) throw new Error(`${f.name}: bucket without le`);
      entry.buckets.push([parseValue(s.labels.le, 0), s.value]);
    } else if (s.name === `${f.name}_sum`) entry.sum = s.value;
    else if (s.name === `${f.name}_count`) entry.count = s.value;
    else throw new Error(`${f.name}: unexpected sample ${s.name}`);
  }
  for (const [key, e] of series) {
    if (e.count === undefined || e.sum === undefined) {
      throw new Error(`${f.name}${key}: _sum and _count are required`);
    }
    if (!e.buckets.length) throw new Error(`${f.name}${key}: no buckets`);
    for (let i = 1; i < e.buckets.length; i++) {
      if (!(e.buckets[i][0] > e.buckets[i - 1][0])) {
        throw new Error(`${f.name}${key}: bucket bounds not increasing`);
      }
      if (e.buckets[i][1] < e.buckets[i - 1][1]) {
        throw new Error(`${f.name}${key}: bucket counts not monotonic`);
      }
    }
    const last = e.buckets[e.buckets.length - 1];
    if (last[0] !== Infinity) throw new Error(`${f.name}${key}: the last bucket must be +Inf`);
    if (last[1] !== e.count) throw new Error(`${f.name}${key}: +Inf bucket ≠ _count`);
  }
}
