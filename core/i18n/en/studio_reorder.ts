import type { studioReorder as ru } from "../ru/studio_reorder.ts";
import type { Message } from "../format.ts";

export const studioReorder: { [K in keyof typeof ru]: Message } = {
  "studio.reorder.handle": "Move “{title}”",
  "studio.reorder.help":
    "Keyboard: Space or Enter picks up, the up and down arrows move, Space or Enter drops, Escape cancels. Mouse or touch: drag the handle.",
  "studio.reorder.grabbed":
    "“{title}” picked up, position {pos} of\u00a0{total}. Arrows move it, Space or Enter drops, Escape cancels.",
  "studio.reorder.position": "“{title}”: position {pos} of\u00a0{total}.",
  "studio.reorder.moved.step": "Step “{title}” moved to position {pos} of\u00a0{total}.",
  "studio.reorder.moved.day": "Day “{title}” moved to position {pos} of\u00a0{total}.",
  "studio.reorder.cancelled": "Move cancelled: “{title}” stays at position {pos} of\u00a0{total}.",
  "studio.reorder.failed": "The order was not saved: {message}",
  "studio.reorder.network": "No connection to the server. Try again.",
  "studio.reorder.validation.order": "The order must list the list's item ids, each once.",
  "studio.preview.live": "The preview updates as you type.",
  "studio.preview.failed": "The preview did not update: {message}",
};
