/**
 * Share a course: the system share sheet (Web Share API) where there is one,
 * else copy the link. Without JavaScript it is just the link.
 */
import { useEffect, useState } from "preact/hooks";

interface Props {
  url: string;
  title: string;
  text: string;
  labels: { share: string; link: string; copied: string; failed: string };
}

export default function ShareCourse(props: Props) {
  const [live, setLive] = useState(false);
  const [message, setMessage] = useState("");
  useEffect(() => setLive(true), []);
  const { labels } = props;

  async function share() {
    const data = { title: props.title, text: props.text, url: props.url };
    if (typeof navigator.share === "function" && (navigator.canShare?.(data) ?? true)) {
      try {
        await navigator.share(data);
        return;
      } catch (e) {
        // Closing the share sheet is not an error; anything else falls back to copying.
        if (e instanceof DOMException && e.name === "AbortError") return;
      }
    }
    try {
      await navigator.clipboard.writeText(props.url);
      setMessage(labels.copied);
    } catch {
      setMessage(labels.failed);
    }
  }

  return (
    <div class="share">
      {live && (
        <button type="button" class="button button--ghost" onClick={share}>
          <span aria-hidden="true">↗</span> {labels.share}
        </button>
      )}
      <span class="share__link">
        <span class="muted">{labels.link}:</span> <a href={props.url}>{props.url}</a>
      </span>
      <span class="share__status" role="status">{message}</span>
    </div>
  );
}
