/** English. Typed against Russian so every key exists in both. */
import type { Dictionary } from "./mod.ts";
import { common } from "./en/common.ts";
import { catalogue } from "./en/catalogue.ts";
import { validation } from "./en/validation.ts";

export const en: Dictionary = {
  ...common,
  ...catalogue,
  ...validation,
};
