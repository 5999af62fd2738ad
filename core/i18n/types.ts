/**
 * The shape of a dictionary, derived from the Russian one. It lives apart
 * from mod.ts so that the English dictionary can be typed against Russian
 * without importing the module that imports it (no type loop).
 */
import type { ru } from "./ru.ts";
import type { Message } from "./format.ts";

export type MessageKey = keyof typeof ru;
export type Dictionary = { [K in MessageKey]: Message };
