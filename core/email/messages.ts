/**
 * The account mails (password reset, confirming a new address, the notice
 * to the old address), in the recipient's language, as text and HTML
 * through `renderEmail`. Account mail never carries an unsubscribe header:
 * it is not a notification one could turn off.
 */
import { translator } from "../i18n/mod.ts";
import type { Locale } from "../i18n/format.ts";
import { type RenderedEmail, renderEmail } from "./layout.ts";

export function resetEmail(
  locale: Locale,
  v: { username: string; url: string },
): RenderedEmail {
  const t = translator(locale);
  return renderEmail({
    subject: t("email.reset.subject"),
    heading: t("email.greeting", { username: v.username }),
    paragraphs: [t("email.reset.text", { username: v.username }), t("email.reset.ignore")],
    action: { label: t("email.reset.action"), url: v.url },
    footer: [t("email.footer.account")],
  });
}

export function emailChangeConfirmEmail(
  locale: Locale,
  v: { username: string; url: string },
): RenderedEmail {
  const t = translator(locale);
  return renderEmail({
    subject: t("email.change.confirm.subject"),
    heading: t("email.greeting", { username: v.username }),
    paragraphs: [
      t("email.change.confirm.text", { username: v.username }),
      t("email.change.confirm.ignore"),
    ],
    action: { label: t("email.change.confirm.action"), url: v.url },
    footer: [t("email.footer.account")],
  });
}

/** To the old address: someone asked to move the account elsewhere (the new one half hidden). */
export function emailChangeNoticeEmail(
  locale: Locale,
  v: { username: string; newEmail: string; settingsUrl: string },
): RenderedEmail {
  const t = translator(locale);
  return renderEmail({
    subject: t("email.change.notice.subject"),
    heading: t("email.greeting", { username: v.username }),
    paragraphs: [
      t("email.change.notice.text", { username: v.username, email: maskEmail(v.newEmail) }),
      t("email.change.notice.notYou"),
    ],
    action: { label: t("email.change.notice.action"), url: v.settingsUrl },
    footer: [t("email.footer.account")],
  });
}

/**
 * "a•••e@example.ru": enough for the owner to recognise their own new
 * address, not enough to hand a stranger reading the old mailbox a working
 * address.
 */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf("@");
  const local = email.slice(0, at);
  const domain = email.slice(at);
  if (local.length <= 2) return `${local[0] ?? ""}•••${domain}`;
  return `${local[0]}•••${local[local.length - 1]}${domain}`;
}
