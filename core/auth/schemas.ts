/** zod pieces the account forms share (messages are i18n keys). */
import { z } from "zod";
import { passwordSchema } from "../users.ts";

/** A checked HTML checkbox sends "on" (or any value); an unchecked one sends nothing. */
export const checkbox = z.preprocess(
  (v) => v === true || (typeof v === "string" && v !== "" && v !== "false" && v !== "0"),
  z.boolean(),
);

/** The current password, to prove it is really the owner acting. */
export const currentPassword = z.string().min(1, { error: "validation.required" })
  .max(100, { error: "auth.password.wrong" });

/** A new password and its repeat. */
export const newPasswordFields = {
  password: passwordSchema,
  passwordRepeat: z.string().max(100, { error: "auth.password.mismatch" }),
};

/**
 * Adds "the repeat matches" to an object schema with `password` and
 * `passwordRepeat`. It runs even when other fields have errors, so the
 * form shows every problem at once.
 */
export function withMatchingRepeat<
  T extends z.ZodType<{ password: string; passwordRepeat: string }>,
>(schema: T): T {
  return schema.refine((d) => d.password === d.passwordRepeat, {
    error: "auth.password.mismatch",
    path: ["passwordRepeat"],
    when: (payload) => {
      const v = payload.value as { password?: unknown; passwordRepeat?: unknown } | undefined;
      return typeof v?.password === "string" && typeof v?.passwordRepeat === "string";
    },
  });
}
