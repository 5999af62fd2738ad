/** Learner actions offline: the sync indicator, queued states and the idempotency errors. */
import type { offline as ru } from "../ru/offline.ts";
import type { Message } from "../format.ts";

export const offline: { [K in keyof typeof ru]: Message } = {
  "offline.error.key": "Idempotency key: 8 to 100\u00a0Latin letters, digits or - _ . :",
  "offline.error.keyReused": "This key was already used for another action.",
  "offline.error.inProgress": "This action is still being processed. Try again in a second.",
  "offline.status.waiting": "Waiting to sync",
  "offline.sync.label": "Action sync",
  "offline.sync.waiting": "Waiting to sync: {count}",
  "offline.sync.offline":
    "Offline: your actions are saved on this device and will be sent when the connection returns.",
  "offline.sync.done": "All actions are synced.",
  "offline.sync.dropped": "An action made offline was not accepted: {message}",
  "offline.sync.now": "Send now",
  "offline.sync.dismiss": "Dismiss",
  "offline.diary.queued":
    "The entry is saved on this device and will be sent when you are back online.",
  "offline.exam.queued":
    "Your answers are saved on this device and will reach the trainer when you are back online.",
  "offline.exam.video": "A video can only be sent with a connection.",
};
