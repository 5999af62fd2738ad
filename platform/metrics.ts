/**
 * Metrics in the Prometheus text format (version 0.0.4): counters, gauges and
 * histograms with labels, kept in a process-wide registry.
 *
 * The HTTP histogram is fed on every request (http/request_log.ts), so the
 * recording side is kept to a map lookup and a short bucket scan; all the
 * formatting happens at scrape time. Values that are cheap to read on demand
 * (jobs by state, error groups, memory) are not tracked continuously: `scrape`
 * reads them when `/metrics` is asked.
 */

export type MetricType = "counter" | "gauge" | "histogram";

/** Default histogram buckets for durations in seconds (request and job timings). */
export const DURATION_BUCKETS: readonly number[] = [
  0.005,
  0.01,
  0.025,
  0.05,
  0.1,
  0.25,
  0.5,
  1,
  2.5,
  5,
  10,
  30,
  60,
  300,
];

/** Beyond this many label combinations a metric folds new ones into one series (a safety net). */
const MAX_SERIES = 5000;
const OVERFLOW = "_other";

const NAME_RE = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_RE = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

export function escapeLabelValue(v: string): string {
  return v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}

function escapeHelp(v: string): string {
  return v.replace(/\\/g, "\\\\").replace(/\n/g, "\\n");
}

export function formatValue(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (v === Infinity) return "+Inf";
  if (v === -Infinity) return "-Inf";
  return String(v);
}

function labelText(names: readonly string[], values: readonly string[], extra?: string): string {
  const parts: string[] = [];
  for (let i = 0; i < names.length; i++) {
    parts.push(`${names[i]}="${escapeLabelValue(values[i])}"`);
  }
  if (extra) parts.push(extra);
  return parts.length ? `{${parts.join(",")}}` : "";
}

abstract class Metric<Child> {
  protected series = new Map<string, { values: string[]; child: Child }>();

  constructor(
    readonly name: string,
    readonly help: string,
    readonly labelNames: readonly string[] = [],
  ) {
    if (!NAME_RE.test(name)) throw new Error(`invalid metric name ${name}`);
    for (const l of labelNames) {
      if (!LABEL_RE.test(l) || l.startsWith("__") || l === "le") {
        throw new Error(`invalid label name ${l} on ${name}`);
      }
    }
  }

  abstract readonly type: MetricType;
  protected abstract create(): Child;
  protected abstract lines(prefix: string, values: string[], child: Child, out: string[]): void;

  // Hot-path cache for two-label metrics (route, status): nested maps avoid
  // building a key string and an argument array on every request.
  #pairs = new Map<string | number, Map<string | number, Child>>();

  /** `labels(a, b)` without allocating: for metrics fed on every request. */
  labels2(a: string | number, b: string | number): Child {
    let inner = this.#pairs.get(a);
    if (!inner) this.#pairs.set(a, inner = new Map());
    let child = inner.get(b);
    if (!child) {
      child = this.labels(a, b);
      // Past the series cap every new pair folds into one series: do not remember each.
      if (this.series.size < MAX_SERIES) inner.set(b, child);
    }
    return child;
  }

  /** The series for these label values (created on first use). */
  labels(...values: (string | number)[]): Child {
    // One string key: a concatenation of short strings is cheaper than nested maps.
    const key = values.length === 1 ? String(values[0]) : values.join("\u0000");
    const hit = this.series.get(key);
    if (hit) return hit.child;
    if (values.length !== this.labelNames.length) {
      throw new Error(`${this.name} takes labels ${this.labelNames.join(", ")}`);
    }
    let strings = values.map(String);
    let k = key;
    if (this.series.size >= MAX_SERIES) {
      strings = strings.map(() => OVERFLOW);
      k = strings.join("\u0000");
      const other = this.series.get(k);
      if (other) return other.child;
    }
    const child = this.create();
    this.series.set(k, { values: strings, child });
    return child;
  }

  reset() {
    this.series.clear();
    this.#pairs.clear();
  }

  /** HELP, TYPE and every sample, one per line. */
  render(out: string[]) {
    out.push(`# HELP ${this.name} ${escapeHelp(this.help)}`);
    out.push(`# TYPE ${this.name} ${this.type}`);
    for (const { values, child } of this.series.values()) {
      this.lines(this.name, values, child, out);
    }
  }
}

export interface CounterChild {
  inc(by?: number): void;
  value: number;
}

export class Counter extends Metric<CounterChild> {
  readonly type = "counter";

  constructor(name: string, help: string, labelNames: readonly string[] = []) {
    if (!name.endsWith("_total")) throw new Error(`counter ${name} must end in _total`);
    super(name, help, labelNames);
  }

  protected create(): CounterChild {
    return {
      value: 0,
      inc(by = 1) {
        if (by < 0) throw new Error("a counter only goes up");
        this.value += by;
      },
    };
  }

  inc(by = 1) {
    this.labels().inc(by);
  }

  protected lines(prefix: string, values: string[], child: CounterChild, out: string[]) {
    out.push(`${prefix}${labelText(this.labelNames, values)} ${formatValue(child.value)}`);
  }
}

export interface GaugeChild {
  set(v: number): void;
  inc(by?: number): void;
  value: number;
}

export class Gauge extends Metric<GaugeChild> {
  readonly type = "gauge";

  protected create(): GaugeChild {
    return {
      value: 0,
      set(v) {
        this.value = v;
      },
      inc(by = 1) {
        this.value += by;
      },
    };
  }

  set(v: number) {
    this.labels().set(v);
  }

  protected lines(prefix: string, values: string[], child: GaugeChild, out: string[]) {
    out.push(`${prefix}${labelText(this.labelNames, values)} ${formatValue(child.value)}`);
  }
}

export interface HistogramChild {
  observe(v: number): void;
  /** Per bucket (not cumulative); the last slot is beyond the largest bound. */
  readonly counts: Float64Array;
  sum: number;
  count: number;
}

export class Histogram extends Metric<HistogramChild> {
  readonly type = "histogram";
  readonly buckets: readonly number[];

  constructor(
    name: string,
    help: string,
    labelNames: readonly string[] = [],
    buckets: readonly number[] = DURATION_BUCKETS,
  ) {
    super(name, help, labelNames);
    const sorted = [...buckets].sort((a, b) => a - b);
    if (!sorted.length || sorted.some((b, i) => i > 0 && b === sorted[i - 1])) {
      throw new Error(`${name}: buckets must be distinct`);
    }
    this.buckets = sorted.filter((b) => b !== Infinity);
  }

  protected create(): HistogramChild {
    const bounds = this.buckets;
    const n = bounds.length;
    return {
      counts: new Float64Array(n + 1),
      sum: 0,
      count: 0,
      observe(v: number) {
        let i = 0;
        while (i < n && v > bounds[i]) i++;
        this.counts[i]++;
        this.sum += v;
        this.count++;
      },
    };
  }

  observe(v: number) {
    this.labels().observe(v);
  }

  protected lines(prefix: string, values: string[], child: HistogramChild, out: string[]) {
    let cumulative = 0;
    for (let i = 0; i < this.buckets.length; i++) {
      cumulative += child.counts[i];
      const le = `le="${formatValue(this.buckets[i])}"`;
      out.push(`${prefix}_bucket${labelText(this.labelNames, values, le)} ${cumulative}`);
    }
    out.push(
      `${prefix}_bucket${labelText(this.labelNames, values, 'le="+Inf"')} ${child.count}`,
    );
    out.push(`${prefix}_sum${labelText(this.labelNames, values)} ${formatValue(child.sum)}`);
    out.push(`${prefix}_count${labelText(this.labelNames, values)} ${child.count}`);
  }
}

type AnyMetric = Counter | Gauge | Histogram;

export class Registry {
  #metrics = new Map<string, AnyMetric>();

  #add<M extends AnyMetric>(m: M): M {
    const existing = this.#metrics.get(m.name);
    if (existing) {
      if (existing.type !== m.type) throw new Error(`metric ${m.name} exists as ${existing.type}`);
      return existing as M;
    }
    this.#metrics.set(m.name, m);
    return m;
  }

  counter(name: string, help: string, labels: readonly string[] = []): Counter {
    return this.#add(new Counter(name, help, labels));
  }

  gauge(name: string, help: string, labels: readonly string[] = []): Gauge {
    return this.#add(new Gauge(name, help, labels));
  }

  histogram(
    name: string,
    help: string,
    labels: readonly string[] = [],
    buckets?: readonly number[],
  ): Histogram {
    return this.#add(new Histogram(name, help, labels, buckets));
  }

  /** The exposition text of every metric, ending with a newline. */
  render(): string {
    const out: string[] = [];
    for (const m of this.#metrics.values()) m.render(out);
    return out.length ? out.join("\n") + "\n" : "";
  }
}

/** Metrics recorded as things happen, for the whole process. */
export const metrics = new Registry();

/** Every HTTP request, by route pattern and status (fed by http/request_log.ts). */
export const httpRequestDuration = metrics.histogram(
  "gafus_http_request_duration_seconds",
  "Time to answer an HTTP request, by route pattern and status.",
  ["route", "status"],
  [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
);

/** How long job handlers ran, by queue, job name and outcome (fed by the job runtime). */
export const jobDuration = metrics.histogram(
  "gafus_job_duration_seconds",
  "Time a job handler ran, by queue, job and outcome (done or failed).",
  ["queue", "job", "outcome"],
);

/** Errors reported to error tracking, by source (core/error_tracking.ts). */
export const errorsReported = metrics.counter(
  "gafus_errors_reported_total",
  "Errors reported to error tracking, by source.",
  ["source"],
);

/** Records one finished job run; the job runtime calls this after each attempt. */
export function observeJob(
  queue: string,
  job: string,
  outcome: "done" | "failed",
  seconds: number,
): void {
  jobDuration.labels(queue, job, outcome).observe(seconds);
}
