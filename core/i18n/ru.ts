/** Russian, the default language. Each area keeps its messages in its own file. */
import { common } from "./ru/common.ts";
import { catalogue } from "./ru/catalogue.ts";
import { validation } from "./ru/validation.ts";

export const ru = {
  ...common,
  ...catalogue,
  ...validation,
};
