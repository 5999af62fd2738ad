import { assert, assertEquals, assertStringIncludes } from "../helpers/assert.ts";
import { renderMarkdown } from "@/core/markdown.ts";

Deno.test("markdown renders emphasis, lists and links", () => {
  const html = renderMarkdown("**Важно:** шаги\n\n- раз\n- два\n\n[курс](/courses/x)");
  assertStringIncludes(html, "<strong>Важно:</strong>");
  assertStringIncludes(html, "<li>раз</li>");
  assertStringIncludes(html, '<a href="/courses/x">курс</a>');
});

Deno.test("markdown never passes raw HTML or script URLs through", () => {
  const html = renderMarkdown(
    "<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n[x](javascript:alert(1)) [y](java\tscript:alert(1)) ![i](data:text/html,1)",
  );
  assert(!/<script/i.test(html), html);
  assert(!/<img src=x/i.test(html), html);
  assert(!/href="java/i.test(html), html);
  assert(!/src="data:/i.test(html), html);
  assertStringIncludes(html, "&lt;script&gt;");
});

Deno.test("external links open safely", () => {
  assertEquals(
    renderMarkdown("[site](https://example.com)").trim(),
    '<p><a href="https://example.com" rel="noopener nofollow ugc" target="_blank">site</a></p>',
  );
});
