/**
 * Schema migrations with kysely's Migrator and the static provider of
 * db/migrations/mod.ts.
 *
 * `migrateToLatest` is safe to call on every start: with nothing pending it
 * only reads `kysely_migration`. Each run is one transaction (PostgreSQL has
 * transactional DDL), so a failed migration leaves the schema as it was.
 *
 * Concurrency: on PostgreSQL the Migrator takes a session-level advisory lock
 * (`pg_advisory_lock`) around the run, so when several processes start at
 * once the others wait, then find nothing pending (tests/db/migrate.test.ts
 * checks this). On PGlite the single connection is the lock.
 */
import type { Kysely } from "kysely";
import { type MigrationResult, Migrator, NO_MIGRATIONS } from "kysely/migration";
import { log } from "@/platform/log.ts";
import { migrationProvider, migrations } from "./migrations/mod.ts";

export class MigrationError extends Error {
  constructor(message: string, readonly migration: string | undefined, options?: ErrorOptions) {
    super(message, options);
    this.name = "MigrationError";
  }
}

function migrator<DB>(db: Kysely<DB>): Migrator {
  return new Migrator({ db, provider: migrationProvider });
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function check(
  action: string,
  out: { error?: unknown; results?: MigrationResult[] },
): MigrationResult[] {
  const results = out.results ?? [];
  if (out.error !== undefined) {
    const failed = results.find((r) => r.status === "Error");
    const message = failed
      ? `${action}: migration ${failed.migrationName} (${failed.direction}) failed: ${
        describe(out.error)
      }`
      : `${action} failed: ${describe(out.error)}`;
    const done = results.filter((r) => r.status === "Success").map((r) => r.migrationName);
    throw new MigrationError(
      done.length ? `${message} (rolled back with it: ${done.join(", ")})` : message,
      failed?.migrationName,
      { cause: out.error },
    );
  }
  return results;
}

/**
 * Applies every pending migration. Returns the names applied (empty when up
 * to date). Logs what it applied unless `opts.log` is false.
 */
export async function migrateToLatest<DB>(
  db: Kysely<DB>,
  opts: { log?: boolean } = {},
): Promise<{ applied: string[] }> {
  const results = check("migrate to latest", await migrator(db).migrateToLatest());
  const applied = results.filter((r) => r.status === "Success").map((r) => r.migrationName);
  if (applied.length && opts.log !== false) log.info("database migrated", { applied });
  return { applied };
}

/**
 * Migrates up or down to `target` (a migration name), or undoes everything
 * with `"none"`. Returns the names run, in order, and their direction.
 */
export async function migrateTo<DB>(
  db: Kysely<DB>,
  target: string | "none",
): Promise<{ direction: "Up" | "Down" | null; migrations: string[] }> {
  if (target !== "none" && !(target in migrations)) {
    throw new MigrationError(`unknown migration ${target}`, target);
  }
  const results = check(
    `migrate to ${target}`,
    await migrator(db).migrateTo(target === "none" ? NO_MIGRATIONS : target),
  );
  const done = results.filter((r) => r.status === "Success");
  if (done.length) {
    log.info("database migrated", {
      target,
      migrations: done.map((r) => r.migrationName),
    });
  }
  return {
    direction: done[0]?.direction ?? null,
    migrations: done.map((r) => r.migrationName),
  };
}

/** Names of the applied migrations, oldest first, and of the pending ones. */
export async function migrationStatus<DB>(
  db: Kysely<DB>,
): Promise<{ applied: string[]; pending: string[] }> {
  const infos = await migrator(db).getMigrations();
  return {
    applied: infos.filter((m) => m.executedAt).map((m) => m.name),
    pending: infos.filter((m) => !m.executedAt).map((m) => m.name),
  };
}
