/**
 * `/studio/courses/<id>/remove`: the confirmation for deleting (nobody has
 * started it) or archiving a course, and the POST that does it.
 */
import { define } from "@/define.ts";
import { removalHandlers, RemovalPage } from "../../(_lib)/removal.tsx";

export const handler = removalHandlers("course");

export default define.page<typeof handler>(({ data, state }) => (
  <RemovalPage state={state} data={data} />
));
