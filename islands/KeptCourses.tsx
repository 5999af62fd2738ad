/**
 * The courses kept on this device (Cache Storage, core/offline/client.ts),
 * each with its size, a link (it opens offline) and a remove button. Lives on
 * the offline page, which the service worker also shows when a page is not
 * available without a connection.
 */
import { useEffect, useState } from "preact/hooks";
import { coursePath } from "@/core/paths.ts";
import {
  formatBytes,
  keptCourses,
  type KeptRecord,
  offlineSupported,
  removeKept,
} from "@/core/offline/client.ts";
import { fill } from "@/core/i18n/format.ts";

export interface KeptCoursesLabels {
  none: string;
  nojs: string;
  remove: string;
  removed: string;
  kept: string;
  kb: string;
  mb: string;
}

export default function KeptCourses({ labels }: { labels: KeptCoursesLabels }) {
  const [list, setList] = useState<KeptRecord[] | null>(null);
  const [message, setMessage] = useState("");
  useEffect(() => {
    if (!offlineSupported()) return setList([]);
    keptCourses().then(setList, () => setList([]));
  }, []);

  async function remove(slug: string) {
    await removeKept(slug);
    setList(await keptCourses());
    setMessage(labels.removed);
  }

  const units = { kb: labels.kb, mb: labels.mb };
  return (
    <div class="kept-courses">
      {list === null && <p>{labels.nojs}</p>}
      {list && list.length === 0 && <p>{labels.none}</p>}
      {list && list.length > 0 && (
        <ul class="kept-courses__list">
          {list.map((r) => (
            <li key={r.slug}>
              <a href={coursePath(r.slug)}>{r.name}</a>{" "}
              <span class="kept-courses__size">
                {fill(labels.kept, { size: formatBytes(r.bytes, units) })}
              </span>{" "}
              <button type="button" class="button button--ghost" onClick={() => remove(r.slug)}>
                {labels.remove}
                {/* Several courses: a screen reader hears which one each button removes. */}
                <span class="visually-hidden">: {r.name}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
      <p role="status" aria-live="polite">{message}</p>
    </div>
  );
}
