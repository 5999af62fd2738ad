/** Every ops page: the section navigation above the page. */
import { define } from "@/define.ts";
import { OpsNav } from "./(_lib)/ui.tsx";

export default define.layout(({ Component, state, url }) => (
  <div class="ops">
    <OpsNav t={state.t} url={url} />
    <Component />
  </div>
));
