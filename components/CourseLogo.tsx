/** A course's logo, or a coloured initial when the course has none. */
import { mediaPath } from "@/core/paths.ts";

const PALETTE = ["#8936FF", "#2EC6FE", "#FF7A45", "#2BB673", "#E8457C", "#F5A623"];

function hue(text: string): string {
  let h = 0;
  for (const ch of text) h = (h * 31 + ch.codePointAt(0)!) >>> 0;
  return PALETTE[h % PALETTE.length];
}

export function CourseLogo(
  { name, slug, logoKey, src, size = 64 }: {
    name: string;
    slug: string;
    /** Storage key (`courses.logo_key`); served by `/media/<key>`. */
    logoKey?: string | null;
    src?: string | null;
    size?: number;
  },
) {
  const url = src ?? (logoKey ? mediaPath(logoKey) : null);
  if (url) {
    return (
      <img
        class="course-logo"
        src={url}
        alt=""
        width={size}
        height={size}
        loading="lazy"
        decoding="async"
      />
    );
  }
  return (
    <span
      class="course-logo course-logo--initial"
      aria-hidden="true"
      style={`background:${hue(slug)};width:${size}px;height:${size}px;font-size:${
        Math.round(size * 0.4)
      }px`}
    >
      {name.trim().charAt(0).toUpperCase()}
    </span>
  );
}
