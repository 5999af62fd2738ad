/**
 * External video: only YouTube, Rutube, VK Video and Vimeo become iframes,
 * with player URLs built from validated ids; anything else is a plain link
 * (or nothing, for non-web URLs).
 */
import { assertEquals } from "../helpers/assert.ts";
import { videoEmbed } from "@/core/embeds.ts";
import { EMBED_HOSTS } from "@/http/security_headers.ts";

const src = (url: string) => {
  const e = videoEmbed(url);
  return e?.kind === "embed" ? e.src : e;
};

Deno.test("YouTube links embed from youtube-nocookie.com, with a start time", () => {
  const want = "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ";
  assertEquals(src("https://www.youtube.com/watch?v=dQw4w9WgXcQ"), want);
  assertEquals(src("https://youtu.be/dQw4w9WgXcQ"), want);
  assertEquals(src("https://m.youtube.com/watch?v=dQw4w9WgXcQ&feature=share"), want);
  assertEquals(src("https://youtube.com/shorts/dQw4w9WgXcQ"), want);
  assertEquals(src("https://www.youtube.com/embed/dQw4w9WgXcQ"), want);
  assertEquals(src("https://youtu.be/dQw4w9WgXcQ?t=90"), `${want}?start=90`);
  assertEquals(src("https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=1m30s"), `${want}?start=90`);
});

Deno.test("Rutube, VK Video and Vimeo links embed their players", () => {
  assertEquals(
    src("https://rutube.ru/video/0123456789abcdef0123456789abcdef/"),
    "https://rutube.ru/play/embed/0123456789abcdef0123456789abcdef",
  );
  assertEquals(
    src("https://rutube.ru/video/private/0123456789abcdef0123456789abcdef/?p=Ab_c-1"),
    "https://rutube.ru/play/embed/0123456789abcdef0123456789abcdef?p=Ab_c-1",
  );
  assertEquals(
    src("https://vk.com/video-123456_456239017"),
    "https://vkvideo.ru/video_ext.php?oid=-123456&id=456239017&hd=2",
  );
  assertEquals(
    src("https://vkvideo.ru/video-1_2?list=x"),
    "https://vkvideo.ru/video_ext.php?oid=-1&id=2&hd=2",
  );
  assertEquals(
    src("https://vk.com/video_ext.php?oid=-1&id=2&hash=abcdef0123"),
    "https://vkvideo.ru/video_ext.php?oid=-1&id=2&hd=2&hash=abcdef0123",
  );
  assertEquals(src("https://vimeo.com/76979871"), "https://player.vimeo.com/video/76979871");
  assertEquals(
    src("https://vimeo.com/76979871/a1b2c3d4e5"),
    "https://player.vimeo.com/video/76979871?h=a1b2c3d4e5",
  );
  assertEquals(
    src("https://player.vimeo.com/video/76979871?h=a1b2c3d4e5&autoplay=1"),
    "https://player.vimeo.com/video/76979871?h=a1b2c3d4e5",
  );
});

Deno.test("everything else is a link or nothing; nothing but a validated id reaches the player", () => {
  assertEquals(videoEmbed("https://example.org/video.mp4"), {
    kind: "link",
    href: "https://example.org/video.mp4",
    host: "example.org",
  });
  // Look-alike hosts are not the provider.
  assertEquals(videoEmbed("https://youtube.com.evil.example/watch?v=dQw4w9WgXcQ")?.kind, "link");
  assertEquals(videoEmbed("https://evil.example/?u=youtube.com/watch?v=dQw4w9WgXcQ")?.kind, "link");
  // A provider URL without a valid id is only a link.
  assertEquals(videoEmbed('https://www.youtube.com/watch?v=bad"onload=x')?.kind, "link");
  assertEquals(videoEmbed("https://vk.com/id1")?.kind, "link");
  assertEquals(
    src("https://youtu.be/dQw4w9WgXcQ?t=1%22%3E"),
    "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ",
  );
  assertEquals(videoEmbed("javascript:alert(1)"), null);
  assertEquals(videoEmbed("data:text/html,hi"), null);
  assertEquals(videoEmbed("not a url"), null);
  assertEquals(videoEmbed("https://user:pw@youtube.com/watch?v=dQw4w9WgXcQ"), null);
  assertEquals(videoEmbed(null), null);
});

Deno.test("every embed host is allowed by the CSP frame-src", () => {
  for (
    const url of [
      "https://youtu.be/dQw4w9WgXcQ",
      "https://rutube.ru/video/0123456789abcdef0123456789abcdef/",
      "https://vk.com/video-1_2",
      "https://vimeo.com/1",
    ]
  ) {
    const e = videoEmbed(url);
    if (e?.kind !== "embed") throw new Error(`${url} should embed`);
    assertEquals(EMBED_HOSTS.includes(new URL(e.src).origin), true, e.src);
  }
});
