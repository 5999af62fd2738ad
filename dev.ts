/**
 * `deno task dev`: rebuilds the manifest and the islands, then serves. Deno's
 * `--watch` restarts this script on any change under routes/, islands/,
 * components/ or static/, so edits show up on the next reload.
 */
import { build, loadBuildOptions } from "./framework/build.ts";
import { main } from "./main.ts";

const root = new URL(".", import.meta.url).pathname.replace(/\/$/, "");
const t0 = performance.now();
await build({ ...await loadBuildOptions(root), minify: false });
console.log(`dev: rebuilt in ${Math.round(performance.now() - t0)} ms`);
Deno.exit(await main(["serve"]));
