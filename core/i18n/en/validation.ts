import type { validation as ru } from "../ru/validation.ts";
import type { Message } from "../format.ts";

export const validation: { [K in keyof typeof ru]: Message } = {
  "validation.required": "Please fill in this field",
  "validation.invalid": "Invalid value",
  "validation.tooShort": "At least {min}\u00a0characters",
  "validation.tooLong": "At most {max}\u00a0characters",
  "validation.tooSmall": "At least {min}",
  "validation.tooBig": "At most {max}",
  "validation.username": "3 to 32\u00a0characters: Latin letters, digits and _",
  "validation.password":
    "8 to 100\u00a0characters with at least one upper-case letter, one lower-case letter and a digit",
  "validation.email": "Enter an email address, e.g. name@example.com",
  "validation.role": "Role: USER, TRAINER, MODERATOR or ADMIN",
  "validation.taken": "This name or address is already taken",
};
