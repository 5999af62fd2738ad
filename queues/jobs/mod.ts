/**
 * Every job type. **Append point:** one import and one entry per job
 * (`queues/jobs/<name>.ts` default-exports its `defineJob(…)`).
 */
import type { ResolvedJob } from "../define.ts";
import maintenance from "./maintenance.ts";
import opsAlert from "./ops-alert.ts";
import jobsSweep from "./jobs-sweep.ts";
import push from "./push.ts";
import stepFinished from "./step_finished.ts";

export const jobs: ResolvedJob[] = [
  maintenance,
  opsAlert,
  jobsSweep,
  push,
  stepFinished,
];
