/** A course's logo, or a coloured initial when the course has none. */
const PALETTE = ["#8936FF", "#2EC6FE", "#FF7A45", "#2BB673", "#E8457C", "#F5A623"];

function hue(text: string): string {
  let h = 0;
  for (const ch of text) h = (h * 31 + ch.codePointAt(0)!) >>> 0;
  return PALETTE[h % PALETTE.length];
}

export function CourseLogo(
  { name, slug, src, size = 64 }: {
    name: string;
    slug: string;
    src?: string | null;
    size?: number;
  },
) {
  if (src) {
    return <img class="course-logo" src={src} alt="" width={size} height={size} loading="lazy" />;
  }
  return (
    <span
      class="course-logo course-logo--initial"
      aria-hidden="true"
      style={`background:${hue(slug)};width:${size}px;height:${size}px`}
    >
      {name.trim().charAt(0).toUpperCase()}
    </span>
  );
}
