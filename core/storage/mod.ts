/**
 * File storage: one interface, two backends (a local directory under
 * `DATA_DIR/media`, or a private S3 bucket), chosen by configuration.
 *
 * Keys are the same on both backends and follow the layout "owner first,
 * random names": `users/<userId>/avatar/<rand>.<ext>`,
 * `users/<userId>/pets/<petId>/<rand>.<ext>`,
 * `exams/<userId>/<userStepId>/<rand>.<ext>`, `courses/<courseId>/…`,
 * `steps/<stepId>/…`, `videos/<videoId>/…`. A key names one immutable file:
 * replacing a photo writes a new key and deletes the old one, which is what
 * lets `/media/<key>` answer with a strong ETag and long private caching.
 *
 * Nothing here is ever public: files are read only through the app
 * (`/media/<key>`, see core/media_access.ts) which checks who may see them.
 */
import type { Config } from "@/platform/config.ts";
import { LocalStorage } from "./local.ts";
import type { Storage } from "./types.ts";

export * from "./types.ts";

/** The backend the configuration asks for: S3 when `S3_BUCKET` is set, else `MEDIA_DIR` (default `DATA_DIR/media`). */
export async function openStorage(config: Config): Promise<Storage> {
  if (config.s3) {
    // Loaded only when used: the AWS SDK is large and most runs keep files
    // locally. A literal specifier, so `deno compile` still includes it.
    const { S3Storage } = await import("./s3.ts");
    return new S3Storage(config.s3);
  }
  return await LocalStorage.open(config.mediaDir);
}
