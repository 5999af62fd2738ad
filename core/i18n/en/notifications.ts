import type { notifications as ru } from "../ru/notifications.ts";
import type { Message } from "../format.ts";

export const notifications: { [K in keyof typeof ru]: Message } = {
  "notifications.stepFinished.title": "You're brilliant!",
  "notifications.stepFinished.body": "You have completed “{step}”.",
  "notifications.examApproved.title": "“{step}” passed ✅",
  "notifications.examApproved.body":
    "Your trainer has reviewed your exam. You can go on to the next step.",
  "notifications.examReturned.title": "“{step}” needs more work",
  "notifications.examReturned.body": "Trainer's comment: {comment}",
  "notifications.examReturned.bodyNoComment":
    "Your trainer sent the exam back for more work. Open the step to see what to change.",
  "notifications.examSubmitted.title": "New exam: “{step}”",
  "notifications.examSubmitted.body": "Sent for review by {learner}.",
  "notifications.trainingReminder.title": "Training reminder 🐕",
  "notifications.trainingReminder.body":
    "Time to train with your pet! Don't forget today's session.",

  "notifications.title": "Notifications",
  "notifications.lead": "News about your training and exams.",
  "notifications.empty": "No notifications yet. They will appear once you start training.",
  "notifications.unread": { one: "{count}\u00a0unread", other: "{count}\u00a0unread" },
  "notifications.allRead": "All notifications are read.",
  "notifications.unreadMark": "New",
  "notifications.markAllRead": "Mark all as read",
  "notifications.markedRead": { one: "Marked as read: {count}", other: "Marked as read: {count}" },
  "notifications.open": "Open",
  "notifications.older": "Older",
  "notifications.newest": "Newest",
  "notifications.pages": "Notification pages",
  "notifications.pushHint": "Want them on your phone too? Turn them on in settings.",
  "notifications.settingsLink": "Notification settings",

  "push.title": "Push notifications",
  "push.lead":
    "Your browser will notify you when an exercise timer ends or a trainer reviews your exam — even with the tab closed.",
  "push.enable": "Turn on for this device",
  "push.disable": "Turn off for this device",
  "push.on": "Notifications are on for this device.",
  "push.off": "Notifications are off for this device.",
  "push.checking": "Checking whether this browser supports notifications…",
  "push.noscript": "Push notifications need JavaScript. The notification list works without it.",
  "push.unsupported":
    "This browser does not support push notifications. On iPhone and iPad, add the site to the Home Screen and open it from there (iOS 16.4 or later).",
  "push.insecure": "Push notifications only work on a secure (https) site.",
  "push.denied":
    "Notifications are blocked for this site. Allow them in the site settings (the icon left of the address), then reload the page.",
  "push.dismissed": "Permission was not given. Press the button again when you are ready.",
  "push.unavailable": "Push notifications are not set up on the server right now.",
  "push.failed": "Could not turn notifications on: {reason}. Please try again later.",
  "push.disableFailed": "Could not turn notifications off. Please try again later.",
  "push.working": "Please wait…",

  "push.validation.endpoint": "The push service address must be an https link",
  "push.validation.p256dh": "The p256dh key must be a P-256 public key (65\u00a0bytes, base64url)",
  "push.validation.auth": "The auth secret must be 16\u00a0bytes (base64url)",
};
