/**
 * An open-loop load generator: requests leave at a fixed arrival rate, each
 * at its scheduled time whether or not earlier ones have answered, and each
 * latency is measured from the scheduled time (not from when it was sent),
 * so a server that stalls is charged for the requests queued behind the
 * stall (no coordinated omission, unlike closed-loop wrk).
 * fetch keeps connections alive and opens more as requests overlap.
 */
export interface OpenLoopRequest {
  path: string;
  init: RequestInit;
}

export interface OpenLoopResult {
  name: string;
  /** Target arrival rate (requests/s). */
  rate: number;
  /** Requests sent and answered. */
  requests: number;
  /** Achieved answers per second over the run. */
  rps: number;
  p50ms: number;
  p90ms: number;
  p99ms: number;
  maxMs: number;
  errors: number;
  /** How late the generator itself sent requests (p99, ms): its own lag, to judge the figures. */
  sendLagP99ms: number;
}

function quantile(sorted: number[], q: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

/**
 * Sends `next(i)` for i = 0, 1, … at `rate` per second for `seconds`, on `base`.
 * A 2xx/3xx answer counts; anything else (or a network error) is an error.
 */
export async function openLoop(
  name: string,
  base: string,
  rate: number,
  seconds: number,
  next: (i: number) => OpenLoopRequest,
): Promise<OpenLoopResult> {
  const total = Math.max(1, Math.round(rate * seconds));
  const interval = 1000 / rate;
  const latencies: number[] = [];
  const lags: number[] = [];
  let errors = 0;
  const pending: Promise<void>[] = [];
  const start = performance.now();
  for (let i = 0; i < total; i++) {
    const due = start + i * interval;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    lags.push(Math.max(0, performance.now() - due));
    const req = next(i);
    pending.push(
      fetch(base + req.path, req.init).then(async (r) => {
        await r.body?.cancel();
        if (r.status >= 400) errors++;
      }, () => {
        errors++;
      }).finally(() => {
        latencies.push(performance.now() - due);
      }),
    );
  }
  await Promise.all(pending);
  const elapsed = (performance.now() - start) / 1000;
  latencies.sort((a, b) => a - b);
  lags.sort((a, b) => a - b);
  return {
    name,
    rate,
    requests: total,
    rps: total / elapsed,
    p50ms: quantile(latencies, 0.5),
    p90ms: quantile(latencies, 0.9),
    p99ms: quantile(latencies, 0.99),
    maxMs: latencies[latencies.length - 1],
    errors,
    sendLagP99ms: quantile(lags, 0.99),
  };
}
