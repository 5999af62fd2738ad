import type { reengagement as ru } from "../ru/reengagement.ts";
import type { Message } from "../format.ts";

export const reengagement: { [K in keyof typeof ru]: Message } = {
  "reengagement.v01.title": "🐕 We miss you!",
  "reengagement.v01.body":
    "{pet}\u00a0is waiting for the next session. Just a few minutes today and you're back in the rhythm.",
  "reengagement.v02.title": "👋 It's been a while!",
  "reengagement.v02.body":
    "A few days off is no problem. Open your course and do one short step: skills live on regular practice.",
  "reengagement.v03.title": "📚 “{course}” is waiting for you",
  "reengagement.v03.body":
    "You're already {percent}% through, a good moment to pick up where you left off.",
  "reengagement.v04.title": "⏰ 5\u00a0minutes a day",
  "reengagement.v04.body":
    "A short session every day does more than a long one once a week. Start with five minutes today.",

  "reengagement.v05.title": "📖 A short lesson for today",
  "reengagement.v05.body":
    "Open the next step and read what it asks: understanding the task is half of a good session.",
  "reengagement.v06.title": "💡 Tip: {pet}\u00a0learns through play",
  "reengagement.v06.body":
    "Dogs remember commands best in short sets with praise. Three repeats and a treat, and {pet}\u00a0will remember everything you've practised.",
  "reengagement.v07.title": "📈 {percent}% of “{course}” done",
  "reengagement.v07.body":
    "The next step takes only a few minutes. Regular practice matters more than long sessions. Shall we continue?",
  "reengagement.v08.title": "🧠 Skills love repetition",
  "reengagement.v08.body":
    "Steps completed: {steps}. That's a good base, but without practice a skill fades within a couple of weeks. One short session will refresh it.",
  "reengagement.v17.title": "🐶 Dogs thrive on routine",
  "reengagement.v17.body":
    "Dogs love a routine. Training at the same time every day helps your dog learn faster.",

  "reengagement.v09.title": "🏆 Join the active ones!",
  "reengagement.v09.body":
    "Every day dog owners on Gafus train for a few minutes and see results. Come back: your progress is saved.",
  "reengagement.v10.title": "🐾 {pet}\u00a0is waiting for praise",
  "reengagement.v10.body":
    "Dogs love training with their owner: to them it's play and attention. Give your dog ten minutes today.",
  "reengagement.v11.title": "🎯 The end of “{course}” is closer than it seems",
  "reengagement.v11.body":
    "{percent}% done. A little more and the skill will stick. Carry on where you left off.",
  "reengagement.v12.title": "💪 You've already learnt a lot",
  "reengagement.v12.body":
    "Steps completed: {steps}. That's a real result. Don't let it fade: come back for just five minutes.",
  "reengagement.v18.title": "🤝 Everyone takes breaks",
  "reengagement.v18.body":
    "What matters is coming back. Even one short session this week keeps what you've achieved.",

  "reengagement.v13.title": "🎊 A last reminder",
  "reengagement.v13.body":
    "We won't send you messages like this again. Whenever you want to come back, your courses and progress are right here.",
  "reengagement.v14.title": "🎊 A last reminder: {pet}\u00a0is waiting for you",
  "reengagement.v14.body":
    "This is our last message about your break. When you're ready, start with a short step. {pet}\u00a0will love it.",
  "reengagement.v15.title": "🎊 “{course}” is still yours",
  "reengagement.v15.body":
    "This is the last reminder. You've done {percent}% and your progress is saved: carry on any day you like.",
  "reengagement.v16.title": "🌱 It's never too late to start again",
  "reengagement.v16.body":
    "Even after a long break, skills come back quickly. This is our last reminder. See you at training!",

  "reengagement.unsubscribe.title": "Unsubscribe from reminders",
  "reengagement.unsubscribe.lead":
    "Now and then we remind learners who haven't trained for a while. Stop these messages?",
  "reengagement.unsubscribe.note":
    "Notifications about your training, exams and courses stay on. You can change them in Settings.",
  "reengagement.unsubscribe.submit": "Unsubscribe",
  "reengagement.unsubscribe.done.title": "You have unsubscribed",
  "reengagement.unsubscribe.done.body":
    "You will no longer get reminders about a break in your training, nor news.",
  "reengagement.unsubscribe.settings": "Notification settings",

  "ops.nav.campaigns": "Campaigns",
  "ops.campaigns.title": "Re-engagement campaigns",
  "ops.campaigns.lead":
    "Messages to learners who stopped training: sent, opened, and came back within 7\u00a0days of the message.",
  "ops.campaigns.period": "Messages of the last 30\u00a0days.",
  "ops.campaigns.caption": "Messages by campaign level",
  "ops.campaigns.level": "Level",
  "ops.campaigns.levelN": "{level} (day {day})",
  "ops.campaigns.sent": "Sent",
  "ops.campaigns.clicked": "Opened",
  "ops.campaigns.clickRate": "Open rate",
  "ops.campaigns.returned": "Back within 7\u00a0days",
  "ops.campaigns.returnRate": "Return rate",
  "ops.campaigns.total": "Total",
  "ops.campaigns.active": "Running now",
  "ops.campaigns.activeCount": { one: "{count}\u00a0campaign", other: "{count}\u00a0campaigns" },
  "ops.campaigns.activeCaption": "Running campaigns by next level",
  "ops.campaigns.nextLevel": "Next level",
  "ops.campaigns.count": "Campaigns",
  "ops.campaigns.ended": "Ended in the last 30\u00a0days",
  "ops.campaigns.endedCaption": "Ended campaigns by reason",
  "ops.campaigns.reason": "Reason",
  "ops.campaigns.reason.returned": "came back to training",
  "ops.campaigns.reason.finished": "all messages sent",
  "ops.campaigns.reason.unsubscribed": "unsubscribed by link",
  "ops.campaigns.reason.opted_out": "turned news off in settings",
  "ops.campaigns.reason.disabled": "account disabled",
  "ops.campaigns.none": "None.",
  "ops.campaigns.run": "Run the campaigns now",
  "ops.campaigns.runDone":
    "The run is queued: the figures update when it finishes. Messages already sent are not sent again.",
  "ops.campaigns.off": "Campaigns are switched off (REENGAGEMENT_ENABLED=false).",
};
