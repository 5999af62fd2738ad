import type { email as ru } from "../ru/email.ts";
import type { Message } from "../format.ts";

export const email: { [K in keyof typeof ru]: Message } = {
  "email.greeting": "Hello, {username}!",
  "email.footer.account":
    "This is a service message about your Gafus account. There is no need to reply.",

  "email.reset.subject": "Your link to a new password",
  "email.reset.text":
    "Someone (we hope it was you) asked to change the password of the account {username}. The link works for 1\u00a0hour and only once.",
  "email.reset.ignore": "If it was not you, do nothing: your password stays as it is.",
  "email.reset.action": "Set a new password",
  "email.reset.telegram":
    "Your link to a new password for the account {username}. It works for 1\u00a0hour and only once. If you did not ask for it, do nothing.",
  "auth.reset.channel.legend": "Where to send the link",
  "auth.reset.channel.email": "To the account's email",
  "auth.reset.channel.telegram": "To Telegram, if it is connected to the account",

  "email.change.confirm.subject": "Confirm your new address",
  "email.change.confirm.text":
    "To make this the address of the account {username}, open the link and press “Confirm”. The link works for 24\u00a0hours.",
  "email.change.confirm.ignore": "If you did not change anything, just delete this message.",
  "email.change.confirm.action": "Confirm the address",
  "email.change.notice.subject": "A change of address was requested",
  "email.change.notice.text":
    "Someone asked to change the address of the account {username} to {email}. It changes only once it is confirmed with the link sent to the new address.",
  "email.change.notice.notYou":
    "If it was not you, cancel the change and change your password in the settings.",
  "email.change.notice.action": "Open the settings",

  "settings.email.current": "Now: {email}",
  "settings.email.changeHint":
    "We send a link to the new address: it replaces the old one once you open it. Leave the field empty to remove the address.",
  "settings.email.pending":
    "Waiting for confirmation of {email}. The emailed link works until {until}.",
  "settings.email.resend": "Send the email again",
  "settings.email.cancel": "Cancel the change",
  "settings.email.noPending": "No change of address is waiting for confirmation.",
  "settings.done.emailSent":
    "We sent a link to the new address. It replaces the old one once you open it.",
  "settings.done.emailRemoved": "Address removed.",
  "settings.done.emailResent": "The email with the link was sent again.",
  "settings.done.emailCancelled": "The change of address was cancelled.",
  "settings.done.emailUnchanged": "That already is your address.",

  "emailChange.title": "Confirm your address",
  "emailChange.lead": "Confirm the new address of the account {username}: {email}.",
  "emailChange.submit": "Confirm the address",
  "emailChange.done.title": "Address confirmed",
  "emailChange.done.text": "Mail now goes to the new address, and you can sign in with it.",
  "emailChange.broken.title": "This link does not work",
  "emailChange.state.unknown":
    "There is no such link. Check that it was copied whole, or send the email again from the settings.",
  "emailChange.state.expired":
    "The link has expired: it works for 24\u00a0hours. Send the email again from the settings.",
  "emailChange.state.used": "This link was already used, or the change was cancelled.",
  "emailChange.state.taken":
    "Meanwhile this address was taken by another account. Choose another one in the settings.",
  "emailChange.state.otherUser": "This link is for another account. Sign out and open it again.",
  "emailChange.toSettings": "Open the settings",
};
