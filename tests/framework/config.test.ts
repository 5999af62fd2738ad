import { assert, assertEquals } from "../helpers/assert.ts";
import { loadBuildOptions } from "@/framework/build.ts";
import { createApp, defineConfig } from "@/framework/mod.ts";
import { resolveConfig } from "@/framework/config.ts";
import { join } from "node:path";
import type { Manifest } from "@/framework/types.ts";
import projectConfig from "@/fresh.config.ts";

const root = new URL("../..", import.meta.url).pathname.replace(/\/$/, "");

Deno.test("the project's fresh.config.ts names the folders the build and the server use", async () => {
  const opts = await loadBuildOptions(root);
  assertEquals(opts.staticDir, join(root, projectConfig.staticDir!));
  assertEquals(opts.outDir, join(root, projectConfig.build!.outDir!));
  assertEquals(opts.target, projectConfig.build!.target);
  assertEquals(opts.minify, projectConfig.build!.minify);
});

Deno.test("a project without fresh.config.ts builds with Fresh's defaults", async () => {
  const dir = await Deno.makeTempDir({ prefix: "fresh-noconfig-" });
  try {
    const opts = await loadBuildOptions(dir);
    assertEquals(opts.staticDir, join(dir, "static"));
    assertEquals(opts.outDir, join(dir, "_fresh"));
    assertEquals(opts.target, ["es2022"]);
    assertEquals(opts.minify, true);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("the app serves static files from the configured folder", async () => {
  const dir = await Deno.makeTempDir({ prefix: "fresh-config-" });
  try {
    await Deno.mkdir(join(dir, "public"));
    await Deno.mkdir(join(dir, "out"));
    await Deno.writeTextFile(join(dir, "public/hello.txt"), "hello from public");
    const config = defineConfig({ staticDir: "./public", build: { outDir: "./out" } });
    const resolved = resolveConfig(dir, config);
    await Deno.writeTextFile(
      join(resolved.outDir, "meta.json"),
      JSON.stringify({
        version: 1,
        runtime: "",
        islands: {},
        deps: {},
        sizes: {},
        static: { "/hello.txt": { hash: "abc", type: "text/plain; charset=utf-8", size: 17 } },
      }),
    );
    const manifest: Manifest = {
      routes: {},
      islands: {},
      baseUrl: new URL(`file://${dir}/fresh.gen.ts`).href,
    };
    const app = await createApp(manifest, { config });
    const res = await app.fetch(new Request("http://x/hello.txt"));
    assertEquals(res.status, 200);
    assertEquals(await res.text(), "hello from public");
    assert(resolved.staticDir.endsWith("/public"));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
