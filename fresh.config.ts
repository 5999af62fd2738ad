/**
 * The framework's settings (framework/config.ts): read by `deno task build`,
 * `deno task dev` and the server. Moving `staticDir` or `build.outDir` also
 * means changing the `--include` folders of `deno task compile` and the
 * Dockerfile. The app's own settings come from the environment
 * (platform/config.ts).
 */
import { defineConfig } from "./framework/mod.ts";

export default defineConfig({
  staticDir: "./static",
  build: {
    outDir: "./_fresh",
    // What the islands may use: browsers from 2022 on.
    target: ["es2022"],
    minify: true,
  },
});
