/**
 * Several app processes (`main.ts serve`) on one PostgreSQL database, as
 * behind a load balancer: each has its own DATA_DIR (KV file, instance lock),
 * they share the database, the media directory and the secrets. Needs
 * `DATABASE_URL` (tests skip without it: see `instancesAvailable`).
 *
 * ```ts
 * await using cluster = await startInstances(2, { JOBS_BACKEND: "postgres" });
 * await fetch(cluster.instances[0].origin + "/health");
 * await cluster.instances[1].kill("SIGKILL");
 * ```
 */
import postgres from "postgres";
import { toHex } from "@/platform/encoding.ts";
import { type CliEnv, cliEnv, type ServerProcess, startServerProcess } from "./cli.ts";
import { testDatabaseUrl } from "./db.ts";

export interface Instance extends ServerProcess {
  /** This instance's own DATA_DIR. */
  dataDir: string;
}

export interface Cluster {
  instances: Instance[];
  /** The shared database URL (also in `env.DATABASE_URL`). */
  databaseUrl: string;
  /** The environment every instance got (secrets, database, media). */
  env: Record<string, string>;
  /** A connection to the shared database, for assertions. */
  sql: postgres.Sql;
  /** Starts one more instance with the same settings (plus `extra`). */
  add(extra?: Record<string, string>): Promise<Instance>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** True when a PostgreSQL server is configured for tests (several instances need one). */
export function instancesAvailable(): boolean {
  return testDatabaseUrl() !== undefined;
}

export async function startInstances(
  n: number,
  extra: Record<string, string> = {},
): Promise<Cluster> {
  if (!instancesAvailable()) throw new Error("startInstances needs DATABASE_URL");
  const secret = () => toHex(crypto.getRandomValues(new Uint8Array(24)));
  const mediaDir = await Deno.makeTempDir({ prefix: "gafus-media-" });
  // The first environment creates the shared database; the others reuse its URL.
  const first = await cliEnv({
    SESSION_SECRET: secret(),
    VIDEO_SECRET: secret(),
    MEDIA_DIR: mediaDir,
    ...extra,
  });
  const shared: Record<string, string> = { ...first.env };
  delete shared.DATA_DIR;
  const envs: CliEnv[] = [first];
  const instances: Instance[] = [];
  const sql = postgres(shared.DATABASE_URL, { max: 2, onnotice: () => {} });

  async function add(more: Record<string, string> = {}): Promise<Instance> {
    let env = first;
    if (instances.length > 0) {
      // Same database: only DATA_DIR differs (cliEnv without a server URL makes no database).
      const dataDir = await Deno.makeTempDir({ prefix: "gafus-inst-" });
      env = {
        env: { ...shared, DATA_DIR: dataDir },
        run: first.run,
        [Symbol.asyncDispose]: () => Deno.remove(dataDir, { recursive: true }).catch(() => {}),
      };
      envs.push(env);
    }
    const proc = await startServerProcess({ ...env, env: { ...env.env, ...more } });
    const inst: Instance = {
      ...proc,
      dataDir: env.env.DATA_DIR,
      kill: (signal: Deno.Signal = "SIGKILL") => proc.kill(signal),
    };
    instances.push(inst);
    return inst;
  }

  for (let i = 0; i < n; i++) await add();
  return {
    instances,
    databaseUrl: shared.DATABASE_URL,
    env: shared,
    sql,
    add,
    async [Symbol.asyncDispose]() {
      await Promise.allSettled(instances.map((i) => i.stop()));
      await sql.end();
      // The first environment owns the database: dispose it last.
      for (const e of envs.slice(1)) await e[Symbol.asyncDispose]();
      await first[Symbol.asyncDispose]();
      await Deno.remove(mediaDir, { recursive: true }).catch(() => {});
    },
  };
}
