/**
 * Video transcoding (issue 12): a 60 s 1080p testsrc + sine clip through
 * `transcodeVideo` (the job's own code: download, probe, one ffmpeg for the
 * whole ladder, images, upload, publish) beside the baseline of one separate
 * ffmpeg run per rendition from the same source with the same settings
 * (`hlsArgs` with a one-rung ladder), in the same run. Target: the job in
 * ≤ 0.7× the baseline's wall time. CPU time and peak memory (max RSS) of
 * every ffmpeg come from GNU time.
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

/**
 * ffmpeg wrapped in GNU time (`/usr/bin/time`), which appends "wall user sys
 * maxRSS-kB" per run to the file in $GAFUS_BENCH_TIME. The job finds it
 * through FFMPEG_PATH, so both sides are measured the same way.
 */
async function timedFfmpeg(dir: string): Promise<string> {
  const wrapper = join(dir, "ffmpeg-timed");
  await Deno.writeTextFile(
    wrapper,
    '#!/bin/sh\nexec /usr/bin/time -a -o "$GAFUS_BENCH_TIME" -f "%e %U %S %M" ffmpeg "$@"\n',
    { mode: 0o755 },
  );
  return wrapper;
}

interface Usage {
  cpuSec: number;
  maxRssKb: number;
}

async function measured<T>(dir: string, fn: () => Promise<T>): Promise<Usage & { ms: number }> {
  const file = join(dir, `time-${crypto.randomUUID()}.txt`);
  Deno.env.set("GAFUS_BENCH_TIME", file);
  const t0 = performance.now();
  await fn();
  const ms = performance.now() - t0;
  const rows = (await Deno.readTextFile(file)).trim().split("\n").map((l) =>
    l.trim().split(/\s+/).map(Number)
  ).filter((r) => r.length === 4 && r.every(Number.isFinite));
  return {
    ms,
    cpuSec: rows.reduce((a, r) => a + r[1] + r[2], 0),
    maxRssKb: Math.max(0, ...rows.map((r) => r[3])),
  };
}

async function ffmpeg(args: string[], bin = "ffmpeg"): Promise<void> {
  const out = await new Deno.Command(bin, { args, stderr: "piped", stdout: "null" }).output();
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
    const wrapper = await timedFfmpeg(dir);
    const plan = planLadder(probe);

    // Baseline: one ffmpeg per rendition, one after another, same settings;
    // run before and after the job (this machine is shared: the mean evens out drift).
    const baseline = async (round: number) => {
      const perRung: { name: string; ms: number }[] = [];
      const all = await measured(dir, async () => {
        for (const rung of plan) {
          const work = join(dir, `baseline${round}`, rung.name);
          await Deno.mkdir(join(work, "out"), { recursive: true });
          await Deno.writeFile(join(work, "content.key"), newContentKey());
          await Deno.writeTextFile(
            join(work, "key_info.txt"),
            `gafus-key\n${join(work, "content.key")}\n`,
          );
          const t0 = performance.now();
          await ffmpeg(hlsArgs(source, join(work, "out"), work, [rung], probe.hasAudio), wrapper);
          perRung.push({ name: rung.name, ms: performance.now() - t0 });
        }
      });
      return { ...all, perRung };
    };
    const base1 = await baseline(1);

    // The job: same niceness as the baseline (none), so the comparison is fair.
    const dataDir = join(dir, "data");
    const config = await loadConfig({
      GAFUS_ENV: "test",
      DATA_DIR: dataDir,
      LOG_REQUESTS: "false",
      VIDEO_NICE: "0",
      FFMPEG_PATH: wrapper,
    });
    const s = await openServices(config, { memory: true });
    let job: Usage & { ms: number };
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
      job = await measured(dir, () =>
        transcodeVideo(s, id, {
          signal: new AbortController().signal,
          progress: () => Promise.resolve(),
          job: { attempt: 1, maxAttempts: 1 },
        }));
    } finally {
      await s.close();
    }

    const base2 = await baseline(2);
    const baseMs = (base1.ms + base2.ms) / 2;
    const baseCpu = (base1.cpuSec + base2.cpuSec) / 2;
    const baseKb = Math.max(base1.maxRssKb, base2.maxRssKb);
    const ratio = job.ms / baseMs;
    const sec = (ms: number) => fmt(ms / 1000, 1);
    const mb = (kb: number) => fmt(kb / 1024, 0);
    const rungs = (b: typeof base1) => b.perRung.map((r) => `${r.name} ${sec(r.ms)}`).join(", ");
    return [
      "## Video transcoding",
      "",
      `${SECONDS} s 1920×1080 30 fps testsrc + sine → ${plan.map((p) => p.name).join(", ")} ` +
      "(libx264 veryfast, AAC, 2 s keyframes, 4 s AES-128 segments), local storage, " +
      `${navigator.hardwareConcurrency} CPUs shared with other work (load varies). ` +
      "ffmpeg's CPU time and peak memory (max RSS) from GNU time (`/usr/bin/time`); " +
      "the baseline runs before and after the job and its wall time is the mean.",
      "",
      "| run | wall | real-time factor | ffmpeg CPU | peak ffmpeg RSS | wall ratio | CPU ratio | target |",
      "|---|---:|---:|---:|---:|---:|---:|---|",
      `| baseline, before: ${plan.length} separate ffmpeg runs (${rungs(base1)} s) | ${
        sec(base1.ms)
      } s | ${fmt(SECONDS / (base1.ms / 1000), 2)}× | ${fmt(base1.cpuSec, 1)} s | ${
        mb(base1.maxRssKb)
      } MB | | | |`,
      `| baseline, after (${rungs(base2)} s) | ${sec(base2.ms)} s | ${
        fmt(SECONDS / (base2.ms / 1000), 2)
      }× | ${fmt(base2.cpuSec, 1)} s | ${mb(base2.maxRssKb)} MB | | | |`,
      `| transcodeVideo (the job: one ffmpeg decoding once, + probe, images, upload, publish) | ${
        sec(job.ms)
      } s | ${fmt(SECONDS / (job.ms / 1000), 2)}× | ${fmt(job.cpuSec, 1)} s | ${
        mb(job.maxRssKb)
      } MB | ${fmt(ratio, 2)} | ${fmt(job.cpuSec / baseCpu, 2)} | ≤ 0.70 (wall) |`,
      `| (baseline mean) | ${sec(baseMs)} s | | ${fmt(baseCpu, 1)} s | ${
        mb(baseKb)
      } MB | 1.00 | 1.00 | |`,
      "",
    ];
  } finally {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}
