/**
 * What a learner can do to a step: the one list that the JSON API
 * (`/api/v1/training/days/<dayOnCourseId>/steps/<stepOnDayId>/<action>`),
 * the day page's no-JavaScript form (`_action`) and the islands all accept
 * or send. Browser-safe: islands import the type (and the list), the server
 * parses with the schema.
 */
import { z } from "zod";

/** `complete` of a THEORY step is "read" (the island sends it when the step opens). */
export const STEP_ACTIONS = [
  "start",
  "resume",
  "pause",
  "reset",
  "complete",
  "diary",
  "exam",
] as const;

export type StepAction = typeof STEP_ACTIONS[number];

export const stepActionSchema = z.enum(STEP_ACTIONS);

/** The actions that drive a timer; after them the timer's step stays open on the day page. */
export const TIMER_ACTIONS = [
  "start",
  "resume",
  "pause",
  "reset",
] as const satisfies readonly StepAction[];

export type TimerAction = typeof TIMER_ACTIONS[number];

export function isTimerAction(a: StepAction): a is TimerAction {
  return (TIMER_ACTIONS as readonly StepAction[]).includes(a);
}
