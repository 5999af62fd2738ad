/** A course or review author: avatar (or initial) and name, linking to the public profile. */
import { mediaPath, profilePath } from "@/core/paths.ts";

export function AuthorAvatar(
  { name, avatarKey, size = 24 }: { name: string; avatarKey: string | null; size?: number },
) {
  if (avatarKey) {
    return (
      <img
        class="avatar"
        src={mediaPath(avatarKey)}
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
      class="avatar avatar--initial"
      aria-hidden="true"
      style={`width:${size}px;height:${size}px;font-size:${Math.round(size * 0.5)}px`}
    >
      {name.trim().charAt(0).toUpperCase()}
    </span>
  );
}

export function CourseAuthor(
  { username, name, avatarKey, size, link = true }: {
    username: string;
    name: string;
    avatarKey: string | null;
    size?: number;
    /** False inside another link (a card's stretched title link). */
    link?: boolean;
  },
) {
  const body = (
    <>
      <AuthorAvatar name={name} avatarKey={avatarKey} size={size} />
      <span>{name}</span>
    </>
  );
  return link
    ? <a class="author" href={profilePath(username)}>{body}</a>
    : <span class="author">{body}</span>;
}
