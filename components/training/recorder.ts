/**
 * In-browser recording of an exam video report (loaded on demand by the
 * exam island, so the day page does not ship it up front). WebM with VP9,
 * falling back to VP8 and then whatever the browser records (Safari: MP4),
 * at a modest bit rate: a two-minute report stays around 5 MB.
 */

const TYPES = [
  "video/webm;codecs=vp9,opus",
  "video/webm;codecs=vp8,opus",
  "video/webm",
  "video/mp4",
];

export interface Recording {
  stop(): Promise<Blob>;
  cancel(): void;
}

/** Starts the camera, shows it in `preview`, and records until `stop()`. */
export async function record(preview: HTMLVideoElement): Promise<Recording> {
  const stream = await navigator.mediaDevices.getUserMedia({
    video: { width: { ideal: 1280 }, height: { ideal: 720 } },
    audio: true,
  });
  const mimeType = TYPES.find((t) => MediaRecorder.isTypeSupported(t));
  const recorder = new MediaRecorder(stream, {
    mimeType,
    videoBitsPerSecond: 300_000,
    audioBitsPerSecond: 48_000,
  });
  const chunks: Blob[] = [];
  recorder.ondataavailable = (e) => {
    if (e.data.size) chunks.push(e.data);
  };
  preview.srcObject = stream;
  preview.hidden = false;
  await preview.play().catch(() => {});
  recorder.start(1000);
  const release = () => {
    for (const track of stream.getTracks()) track.stop();
    preview.srcObject = null;
    preview.hidden = true;
  };
  return {
    stop: () =>
      new Promise<Blob>((resolve) => {
        recorder.onstop = () => {
          release();
          resolve(new Blob(chunks, { type: (mimeType ?? recorder.mimeType).split(";")[0] }));
        };
        recorder.stop();
      }),
    cancel: () => {
      if (recorder.state !== "inactive") recorder.stop();
      release();
    },
  };
}
