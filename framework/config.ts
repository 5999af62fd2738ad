/**
 * The framework's own settings, read from the project's `fresh.config.ts`
 * (as Fresh apps have it): where static files and the build output live, and
 * what the islands bundle targets. Paths are relative to the project root.
 * The app's settings (port, database, secrets) are not here: they come from
 * the environment.
 */
import { join } from "node:path";

export interface FreshConfig {
  /** Files served as they are, by content hash (default `./static`). */
  staticDir?: string;
  build?: {
    /** Manifest-independent build output: `meta.json` and `js/` (default `./_fresh`). */
    outDir?: string;
    /** esbuild targets of the islands bundle (default `["es2022"]`). */
    target?: string[];
    /** Minify the islands (default true; `deno task dev` turns it off). */
    minify?: boolean;
  };
}

export interface ResolvedConfig {
  root: string;
  staticDir: string;
  outDir: string;
  target: string[];
  minify: boolean;
}

/** Typed identity, as Fresh's `defineConfig`. */
export function defineConfig(config: FreshConfig): FreshConfig {
  return config;
}

/** Absolute paths and defaults for a project root. */
export function resolveConfig(root: string, config: FreshConfig = {}): ResolvedConfig {
  return {
    root,
    staticDir: join(root, config.staticDir ?? "./static"),
    outDir: join(root, config.build?.outDir ?? "./_fresh"),
    target: config.build?.target ?? ["es2022"],
    minify: config.build?.minify ?? true,
  };
}
