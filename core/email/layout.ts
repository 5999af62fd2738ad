/**
 * One layout for every email: a subject, a plain-text body and the same
 * content as simple, escaped HTML (inline styles only; mail clients strip
 * the rest). Texts come already translated; nothing here is language-bound
 * except what the caller passes.
 */

export interface EmailContent {
  subject: string;
  /** Greeting or first line. */
  heading: string;
  paragraphs: string[];
  /** The one thing to do: a button in HTML, the bare URL in text. */
  action?: { label: string; url: string };
  /** Small print under the body (why you got this, how to stop). */
  footer?: string[];
}

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

export function escapeHtml(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!,
  );
}

export function renderEmail(c: EmailContent): RenderedEmail {
  const text = [
    c.heading,
    "",
    ...c.paragraphs.flatMap((p) => [p, ""]),
    ...(c.action ? [`${c.action.label}: ${c.action.url}`, ""] : []),
    ...(c.footer?.length ? ["--", ...c.footer] : []),
  ].join("\n").trimEnd() + "\n";
  const p = (s: string) =>
    `<p style="margin:0 0 16px;font-size:16px;line-height:1.5">${escapeHtml(s)}</p>`;
  const html = `<!doctype html>
<html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>${escapeHtml(c.subject)}</title></head>
<body style="margin:0;padding:24px;background:#f6f5f2;font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;color:#1f2328">
<div style="max-width:560px;margin:0 auto;background:#fff;border-radius:12px;padding:24px">
<h1 style="margin:0 0 16px;font-size:20px">${escapeHtml(c.heading)}</h1>
${c.paragraphs.map(p).join("\n")}
${
    c.action
      ? `<p style="margin:24px 0"><a href="${
        escapeHtml(c.action.url)
      }" style="display:inline-block;background:#2f6f4f;color:#fff;text-decoration:none;padding:12px 20px;border-radius:8px;font-size:16px">${
        escapeHtml(c.action.label)
      }</a></p>
<p style="margin:0 0 16px;font-size:13px;color:#57606a;word-break:break-all">${
        escapeHtml(c.action.url)
      }</p>`
      : ""
  }
${
    c.footer?.length
      ? `<hr style="border:0;border-top:1px solid #d0d7de;margin:24px 0">
${
        c.footer.map((f) =>
          `<p style="margin:0 0 8px;font-size:13px;color:#57606a">${escapeHtml(f)}</p>`
        ).join("\n")
      }`
      : ""
  }
</div></body></html>
`;
  return { subject: c.subject, text, html };
}
