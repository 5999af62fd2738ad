/**
 * `/studio/days/<id>/remove`: the confirmation for deleting (nobody has
 * progress) or archiving a day, and the POST that does it.
 */
import { define } from "@/define.ts";
import { removalHandlers, RemovalPage } from "../../(_lib)/removal.tsx";

export const handler = removalHandlers("day");

export default define.page<typeof handler>(({ data, state }) => (
  <RemovalPage state={state} data={data} />
));
