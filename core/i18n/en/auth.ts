import type { auth as ru } from "../ru/auth.ts";
import type { Message } from "../format.ts";

export const auth: { [K in keyof typeof ru]: Message } = {
  "form.errors.title": "Please fix the following:",
  "form.optional": "optional",

  "auth.consent.required": "You cannot register without this consent",
  "auth.password.mismatch": "The passwords do not match",
  "auth.password.wrong": "The current password is wrong",
  "auth.login.invalid": "Wrong username, email or password",
  "auth.login.disabled": "This account is disabled. Please contact an administrator.",
  "auth.username.taken": "This username is taken",
  "auth.rateLimited": "Too many attempts. Please try again in {wait}.",

  "auth.field.username": "Username",
  "auth.field.username.hint":
    "3 to 32\u00a0characters: Latin letters, digits and _. It is your profile address.",
  "auth.field.email": "Email",
  "auth.field.email.hint": "You can sign in with it too.",
  "auth.field.password": "Password",
  "auth.field.password.hint":
    "At least 8\u00a0characters with an upper-case letter, a lower-case letter and a digit.",
  "auth.field.passwordRepeat": "Password again",
  "auth.field.login": "Username or email",
  "auth.field.currentPassword": "Current password",
  "auth.field.newPassword": "New password",

  "auth.consent.legend": "Consents",
  "auth.consent.personalData": "I agree to the processing of my personal data",
  "auth.consent.personalData.hint":
    "Your username, email, pets and progress are stored so the service can work.",
  "auth.consent.privacyPolicy": "I accept the privacy policy",
  "auth.consent.privacyPolicy.hint": "We do not share your data with third parties or show ads.",
  "auth.consent.publicProfile": "Show my profile to other users",
  "auth.consent.publicProfile.hint":
    "Your username, pets and achievements will be visible at your profile address.",

  "auth.register.title": "Create an account",
  "auth.register.lead": "An account keeps your course progress on all your devices.",
  "auth.register.submit": "Create account",
  "auth.register.haveAccount": "Already have an account?",

  "auth.login.title": "Sign in",
  "auth.login.submit": "Sign in",
  "auth.login.forgot": "Forgot your password?",
  "auth.login.noAccount": "No account yet?",
  "auth.login.deleted": "Your account has been deleted. Thank you for being with us.",

  "auth.reset.title": "Reset your password",
  "auth.reset.lead":
    "Enter your username or email. We will send a link for a new password to the account's email or, if you prefer, to its connected Telegram.",
  "auth.reset.submit": "Send the link",
  "auth.reset.sent":
    "If such an account exists, the link is on its way: to its email or to Telegram. It works for 1\u00a0hour. If nothing arrives, check the spam folder, try the other way, or contact an administrator.",
  "auth.reset.new.title": "New password",
  "auth.reset.new.lead": "Choose a new password. Saving it signs out every earlier session.",
  "auth.reset.new.submit": "Save the password",
  "auth.reset.broken.title": "This link does not work",
  "auth.reset.state.unknown":
    "There is no such link. Check that you copied all of it, or ask for a new one.",
  "auth.reset.state.expired":
    "The link has expired: it works for 1\u00a0hour. Please ask for a new one.",
  "auth.reset.state.used":
    "This link has already been used. If you need to change the password again, ask for a new one.",
  "auth.reset.again": "Ask for a new link",

  "settings.title": "Settings",
  "settings.done.password": "Password changed. Other devices need to sign in again.",
  "settings.done.reset": "Your new password is saved and you are signed in.",
  "settings.done.email": "Email saved.",
  "settings.done.username": "Username changed.",
  "settings.done.locale": "Language saved.",
  "settings.done.timeZone": "Time zone saved.",
  "settings.done.logoutAll": "You are signed out on every other device.",
  "settings.password.title": "Password",
  "settings.password.submit": "Change password",
  "settings.email.title": "Email",
  "settings.email.hint": "Leave it empty to remove the address.",
  "settings.email.none": "Not set",
  "settings.email.submit": "Change email",
  "settings.username.title": "Username",
  "settings.username.submit": "Change username",
  "settings.username.checking": "Checking…",
  "settings.username.available": "This username is free",
  "settings.username.current": "This is your current username",
  "settings.username.checkFailed": "Could not check the username, but you can still save it",
  "settings.locale.title": "Language",
  "settings.locale.label": "Language of the site and notifications",
  "settings.locale.submit": "Save language",
  "settings.timeZone.title": "Time zone",
  "settings.timeZone.label": "Your time zone",
  "settings.timeZone.hint": "Streak days, statistics and reminder times are counted in it.",
  "settings.timeZone.detected": "Your browser's time zone is filled in — save it if it is right.",
  "settings.timeZone.submit": "Save time zone",
  "settings.timeZone.invalid": "Choose a time zone from the list",
  "settings.sessions.title": "Sessions on other devices",
  "settings.sessions.text":
    "If you signed in on someone else's device or lost your phone, sign out everywhere. This browser stays signed in.",
  "settings.sessions.submit": "Sign out on all devices",
  "settings.delete.title": "Delete account",
  "settings.delete.text":
    "Your account, pets, progress, exams and uploaded files will be deleted for good. This cannot be undone.",
  "settings.delete.submit": "Delete my account for good",
  "settings.delete.hasContent":
    "This account still owns courses or videos. Ask an administrator to hand them over, then delete it.",
  "settings.delete.staff":
    "Trainer and staff accounts are deleted by an administrator: their courses must be handed over first.",

  "studio.title": "Trainer studio",
  "studio.lead": "Here you build courses, days and steps and review your learners' exams.",
  "ops.title": "Operations",
};
