/**
 * Where a reminder takes the learner: the next step to do today (the same
 * answer as the bot's /next, core/training/next_step.ts), else the catalogue.
 */
import type { Services } from "../services.ts";
import { cataloguePath } from "../paths.ts";
import { nextStep } from "../training/next_step.ts";

export async function reminderLink(s: Services, userId: string, now?: Date): Promise<string> {
  return (await nextStep(s, userId, now))?.url ?? cataloguePath();
}
