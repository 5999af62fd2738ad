/**
 * Named points where crash tests kill the process (tests/training/
 * crash_notify.test.ts): `crashPoint("x")` exits at once, as kill -9 would,
 * when the environment says `GAFUS_CRASH_AT=x`. Inert otherwise: production
 * never sets the variable, and a process without env access reads nothing.
 */
let target: string | null | undefined;

export function crashPoint(name: string): void {
  if (target === undefined) {
    try {
      target = Deno.env.get("GAFUS_CRASH_AT") ?? null;
    } catch {
      target = null;
    }
  }
  if (target === name) Deno.exit(137);
}
