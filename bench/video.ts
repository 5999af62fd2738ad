/**
 * Video transcoding (issue 12): a 60 s 1080p testsrc + sine clip through
 * `transcodeVideo` (the job's own code: download, probe, one ffmpeg for the
 * whole ladder, images, upload, publish) beside the baseline of one separate
 * ffmpeg run per rendition from the same source with the same settings
 * (`hlsArgs` with a one-rung ladder), in the same run. Target: the job in
 * ≤ 0.7× the baseline's wall time. Peak memory is ffmpeg's VmHWM (resident
 * high-water mark) read from /proc/<pid>/status every 100 ms.
 */
import { join } from "node:path";
import { loadConfig } from "@/platform/config.ts";
import { configureLog } from "@/platform/log.ts";
import { openServices } from "@/services.ts";
import { newId } from "@/platform/ids.ts";
import { planLadder } from "@/core/video/ladder.ts";
import { videoSourceKey } from "@/core/video/layout.ts";
import { probeVideo } from "@/core/video/probe.ts";
import { hlsArgs, transcodeVideo } from "@/core/video/transcode.ts";
import { newContentKey } from "@/core/video/keys.ts";
import { fmt } from "./lib.ts";

const SECONDS = 60;

/** Highest VmHWM (kB) of processes whose command line names `needle`, until stopped. */
function watchMemory(needle: string): { stop(): Promise<number> } {
  let peak = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      for await (const e of Deno.readDir("/proc")) {
        if (!/^\d+$/.test(e.name)) continue;
        try {
          const cmd = await Deno.readTextFile(`/proc/${e.name}/cmdline`);
          // argv[0] is "ffmpeg" or its full path, depending on who exec'd it.
          if (!/(^|\/)ffmpeg$/.test(cmd.split("\0")[0])) continue;
          if (!cmd.includes(needle)) continue;
          const status = await Deno.readTextFile(`/proc/${e.name}/status`);
          const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
          peak = Math.max(peak, kb);
        } catch {
          // Exited meanwhile.
        }
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return peak;
    },
  };
}

async function ffmpeg(args: string[]): Promise<void> {
  const out = await new Deno.Command("ffmpeg", { args, stderr: "piped", stdout: "null" }).output();
  if (!out.success) throw new Error(new TextDecoder().decode(out.stderr).slice(-2000));
}

export async function runVideoBench(): Promise<string[]> {
  configureLog({ level: "error" });
  const dir = await Deno.makeTempDir({ prefix: "gafus-bench-video-" });
  try {
    const source = join(dir, "source.mp4");
    await ffmpeg([
      ...[
        "-v",
        "error",
        "-y",
        "-f",
        "lavfi",
        "-i",
        `testsrc=size=1920x1080:rate=30:duration=${SECONDS}`,
      ],
      ...["-f", "lavfi", "-i", `sine=frequency=440:duration=${SECONDS}`],
      ...["-c:v", "libx264", "-preset", "ultrafast", "-crf", "18", "-pix_fmt", "yuv420p"],
      ...["-c:a", "aac", "-shortest", source],
    ]);
    const probe = await probeVideo(source);
    const plan = planLadder(probe);

    // The job: same niceness as the baseline (none), so the comparison is fair.
    const dataDir = join(dir, "data");
    const config = await loadConfig({
      GAFUS_ENV: "test",
      DATA_DIR: dataDir,
      LOG_REQUESTS: "false",
      VIDEO_NICE: "0",
    });
    const s = await openServices(config, { memory: true });
    let jobMs: number;
    let jobPeakKb: number;
    try {
      const owner = newId();
      await s.db.insertInto("users").values({
        id: owner,
        username: "bench_trainer",
        password_hash: "x",
        role: "TRAINER",
      }).execute();
      const id = newId();
      const key = videoSourceKey(id, "mp4");
      const bytes = await Deno.readFile(source);
      await s.storage.put(key, bytes, { contentType: "video/mp4" });
      await s.db.insertInto("videos").values({
        id,
        owner_id: owner,
        original_name: "bench.mp4",
        mime_type: "video/mp4",
        size_bytes: bytes.length,
        source_key: key,
      }).execute();
      const mem = watchMemory(join(dataDir, "tmp", "transcode", id));
      const t0 = performance.now();
      await transcodeVideo(s, id, {
        signal: new AbortController().signal,
        progress: () => Promise.resolve(),
        job: { attempt: 1, maxAttempts: 1 },
      });
      jobMs = performance.now() - t0;
      jobPeakKb = await mem.stop();
    } finally {
      await s.close();
    }

    // Baseline: one ffmpeg per rendition, one after another, same settings.
    const base = join(dir, "baseline");
    const perRung: { name: string; ms: number; kb: number }[] = [];
    for (const rung of plan) {
      const work = join(base, rung.name);
      await Deno.mkdir(join(work, "out"), { recursive: true });
      await Deno.writeFile(join(work, "content.key"), newContentKey());
      await Deno.writeTextFile(
        join(work, "key_info.txt"),
        `gafus-key\n${join(work, "content.key")}\n`,
      );
      const mem = watchMemory(work);
      const t0 = performance.now();
      await ffmpeg(hlsArgs(source, join(work, "out"), work, [rung], probe.hasAudio));
      perRung.push({ name: rung.name, ms: performance.now() - t0, kb: await mem.stop() });
    }
    const baseMs = perRung.reduce((a, r) => a + r.ms, 0);
    const baseKb = Math.max(...perRung.map((r) => r.kb));
    const ratio = jobMs / baseMs;
    const sec = (ms: number) => fmt(ms / 1000, 1);
    const mb = (kb: number) => fmt(kb / 1024, 0);
    return [
      "## Video transcoding",
      "",
      `${SECONDS} s 1920×1080 30 fps testsrc + sine → ${plan.map((p) => p.name).join(", ")} ` +
      "(libx264 veryfast, AAC, 2 s keyframes, 4 s AES-128 segments), local storage, " +
      `${navigator.hardwareConcurrency} CPUs. Peak memory: ffmpeg's VmHWM from /proc, polled every 100 ms.`,
      "",
      "| run | wall | real-time factor | peak ffmpeg RSS | ratio | target |",
      "|---|---:|---:|---:|---:|---|",
      `| baseline: ${plan.length} separate ffmpeg runs (${
        perRung.map((r) => `${r.name} ${sec(r.ms)} s`).join(", ")
      }) | ${sec(baseMs)} s | ${fmt(SECONDS / (baseMs / 1000), 2)}× | ${mb(baseKb)} MB | 1.00 | |`,
      `| transcodeVideo (the job: one ffmpeg, decode once, + probe, images, upload, publish) | ${
        sec(jobMs)
      } s | ${fmt(SECONDS / (jobMs / 1000), 2)}× | ${mb(jobPeakKb)} MB | ${
        fmt(ratio, 2)
      } | ≤ 0.70 |`,
      "",
    ];
  } finally {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}
