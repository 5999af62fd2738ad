/** Running the real CLI (`main.ts`) in a subprocess, against a temporary DATA_DIR or database. */
import postgres from "postgres";
import { toHex } from "../../core/encoding.ts";
import { testDatabaseUrl } from "./db.ts";

const MAIN = new URL("../../main.ts", import.meta.url).pathname;

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliEnv {
  env: Record<string, string>;
  run(...args: string[]): Promise<CliResult>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** A private environment for CLI runs: its own DATA_DIR and, with DATABASE_URL, its own database. */
export async function cliEnv(extra: Record<string, string> = {}): Promise<CliEnv> {
  const dataDir = await Deno.makeTempDir({ prefix: "gafus-cli-" });
  const env: Record<string, string> = {
    PATH: Deno.env.get("PATH") ?? "",
    HOME: Deno.env.get("HOME") ?? "",
    DATA_DIR: dataDir,
    GAFUS_ENV: "test",
    NO_COLOR: "1",
    ...extra,
  };
  const server = testDatabaseUrl();
  let dbName: string | undefined;
  if (server) {
    dbName = `gafus_t_${toHex(crypto.getRandomValues(new Uint8Array(8)))}`;
    const admin = postgres(server, { max: 1, onnotice: () => {} });
    await admin.unsafe(`CREATE DATABASE ${dbName}`);
    await admin.end();
    const u = new URL(server);
    u.pathname = `/${dbName}`;
    env.DATABASE_URL = u.href;
  }
  return {
    env,
    async run(...args) {
      const out = await new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", "--unstable-kv", "--unstable-cron", MAIN, ...args],
        env,
        clearEnv: true,
        stdout: "piped",
        stderr: "piped",
      }).output();
      const dec = new TextDecoder();
      return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
    },
    async [Symbol.asyncDispose]() {
      if (server && dbName) {
        const admin = postgres(server, { max: 1, onnotice: () => {} });
        await admin.unsafe(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
        await admin.end();
      }
      await Deno.remove(dataDir, { recursive: true }).catch(() => {});
    },
  };
}
