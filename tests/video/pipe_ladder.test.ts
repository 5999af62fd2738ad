/**
 * The rendition ladder (pure): rungs at or below the source's short side,
 * never upscaled, portrait by width, even sizes, bitrates capped near the
 * source's own, and the master playlist's bandwidth as video + audio peak.
 */
import { assertEquals } from "../helpers/assert.ts";
import { planLadder } from "@/core/video/ladder.ts";

const names = (r: { name: string }[]) => r.map((x) => x.name);
const sizes = (r: { width: number; height: number }[]) => r.map((x) => `${x.width}x${x.height}`);

Deno.test("ladder: a 720p source gets 240p to 720p, even sizes, no 1080p", () => {
  const r = planLadder({ width: 1280, height: 720, bitrateKbps: null, hasAudio: true });
  assertEquals(names(r), ["240p", "360p", "480p", "720p"]);
  assertEquals(sizes(r), ["426x240", "640x360", "854x480", "1280x720"]);
  assertEquals(r.map((x) => x.bandwidth), [464_000, 896_000, 1_528_000, 2_928_000]);
});

Deno.test("ladder: a 1080p source gets every rung", () => {
  const r = planLadder({ width: 1920, height: 1080, bitrateKbps: 8000, hasAudio: true });
  assertEquals(names(r), ["240p", "360p", "480p", "720p", "1080p"]);
  assertEquals(r.at(-1)!.videoKbps, 5000);
});

Deno.test("ladder: a 360p source is never upscaled", () => {
  const r = planLadder({ width: 640, height: 360, bitrateKbps: null, hasAudio: false });
  assertEquals(names(r), ["240p", "360p"]);
  // No audio: the bandwidth is the video's alone.
  assertEquals(r.map((x) => [x.audioKbps, x.bandwidth]), [[0, 400_000], [0, 800_000]]);
});

Deno.test("ladder: a portrait source is laddered by its width", () => {
  const r = planLadder({ width: 360, height: 640, bitrateKbps: null, hasAudio: true });
  assertEquals(names(r), ["240p", "360p"]);
  assertEquals(sizes(r), ["240x426", "360x640"]);
  const phone = planLadder({ width: 1080, height: 1920, bitrateKbps: null, hasAudio: true });
  assertEquals(sizes(phone).at(-1), "1080x1920");
});

Deno.test("ladder: a source below 240 gets one rendition at its own (even) size", () => {
  const r = planLadder({ width: 321, height: 181, bitrateKbps: 300, hasAudio: true });
  assertEquals(names(r), ["180p"]);
  assertEquals(sizes(r), ["320x180"]);
});

Deno.test("ladder: bitrates are capped at 1.2× the source's own", () => {
  const r = planLadder({ width: 1280, height: 720, bitrateKbps: 1000, hasAudio: true });
  assertEquals(r.map((x) => x.videoKbps), [400, 800, 1200, 1200]);
  assertEquals(r.at(-1)!.bandwidth, (1200 + 128) * 1000);
  // A tiny source bitrate still leaves a usable floor.
  const low = planLadder({ width: 640, height: 360, bitrateKbps: 20, hasAudio: false });
  assertEquals(low.map((x) => x.videoKbps), [100, 100]);
});
