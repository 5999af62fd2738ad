/**
 * The pure placeholder module (core/personalisation/placeholders.ts): the
 * grammar, Russian cases with their fallback to the nominative, gender
 * switches, neutral fallbacks per language, Markdown escaping of values
 * (rendered through the learners' sanitizer), and tolerance of anything a
 * trainer may type.
 */
import { assert, assertEquals, assertStringIncludes } from "../helpers/assert.ts";
import {
  escapeMarkdown,
  findUnknown,
  type PersonalValues,
  substitute,
} from "@/core/personalisation/placeholders.ts";
import { renderMarkdown } from "@/core/markdown.ts";

const rex: PersonalValues = {
  userName: "Анна",
  gender: "female",
  petName: "Рекс",
  petGender: "male",
  petCases: { genitive: "Рекса", dative: "Рексу", instrumental: "Рексом" },
};

Deno.test("known placeholders are replaced by the learner's values, whitespace inside allowed", () => {
  assertEquals(
    substitute("{{userName}}, позовите {{ petName }}!", rex, "ru"),
    "Анна, позовите Рекс!",
  );
  assertEquals(substitute("Без подстановок", rex, "ru"), "Без подстановок");
});

Deno.test("Russian cases use the learner's forms and fall back to the nominative", () => {
  assertEquals(substitute("нет {{petName:genitive}}", rex, "ru"), "нет Рекса");
  assertEquals(substitute("дай {{petName:dative}}", rex, "ru"), "дай Рексу");
  assertEquals(substitute("с {{petName:instrumental}}", rex, "ru"), "с Рексом");
  // Not given by the learner: the name as it is.
  assertEquals(substitute("вижу {{petName:accusative}}", rex, "ru"), "вижу Рекс");
  assertEquals(substitute("о {{petName:prepositional}}", rex, "ru"), "о Рекс");
});

Deno.test("gender switches pick the learner's and the pet's form; unknown gender takes the first", () => {
  const text = "Вы {{gender:пошёл|пошла}}, он {{petGender:мальчик|девочка}}";
  assertEquals(substitute(text, rex, "ru"), "Вы пошла, он мальчик");
  assertEquals(
    substitute(text, { ...rex, gender: "male", petGender: "female" }, "ru"),
    "Вы пошёл, он девочка",
  );
  assertEquals(substitute(text, {}, "ru"), "Вы пошёл, он мальчик");
  assertEquals(substitute("пошёл{{gender:|а}}", rex, "ru"), "пошёла");
});

Deno.test("missing values fall back to neutral words in the learner's language", () => {
  assertEquals(
    substitute("{{petName}}; нет {{petName:genitive}}; с {{petName:instrumental}}", {}, "ru"),
    "ваша собака; нет вашей собаки; с вашей собакой",
  );
  assertEquals(substitute("Call {{petName:dative}}", {}, "en"), "Call your dog");
  // The username stands in for a name the learner did not give.
  assertEquals(substitute("Hi {{userName}}", { userName: "lena" }, "en"), "Hi lena");
  assertEquals(substitute("Привет, {{userName}}", {}, "ru"), "Привет, друг");
});

Deno.test("unknown and malformed placeholders stay as typed and are reported once each", () => {
  const text =
    "{{dogName}} {{petName:nominative}} {{gender:a}} {{userName:x}} {{}} {{dogName}} {{ unclosed";
  assertEquals(
    substitute(text, rex, "ru"),
    "{{dogName}} {{petName:nominative}} {{gender:a}} {{userName:x}} {{}} {{dogName}} {{ unclosed",
  );
  assertEquals(findUnknown(text), [
    { text: "{{dogName}}", reason: "unknown" },
    { text: "{{petName:nominative}}", reason: "malformed" },
    { text: "{{gender:a}}", reason: "malformed" },
    { text: "{{userName:x}}", reason: "malformed" },
    { text: "{{}}", reason: "malformed" },
    { text: "{{ unclosed", reason: "unclosed" },
  ]);
  assertEquals(findUnknown("Всё верно: {{petName}} {{gender:а|б}}"), []);
  assertEquals(findUnknown("stray }} here")[0].reason, "unclosed");
});

Deno.test("nothing a trainer types makes the parser throw", () => {
  const nasty = [
    "{{{{petName}}}}",
    "{{petName:genitive:dative}}",
    "{{gender:a|b|c}}",
    "}}{{",
    "{".repeat(1000) + "}".repeat(999),
    "{{\u0000}}",
    "",
  ];
  for (const s of nasty) {
    findUnknown(s);
    substitute(s, rex, "ru", "markdown");
    substitute(s, {}, "en", "text");
  }
  // The inner known placeholder of a nested one is still substituted.
  assertEquals(substitute("{{{{petName}}}}", rex, "ru"), "{{Рекс}}");
});

Deno.test("values are Markdown-escaped: HTML and Markdown injection through a name shows literally", () => {
  const evil: PersonalValues = {
    petName: "<script>alert(1)</script>",
    userName: "**x** [a](javascript:x) ![i](https://e.x/p.png)",
  };
  const html = renderMarkdown(
    substitute("Собака: {{petName}}\n\nУченик: {{userName}}", evil, "ru", "markdown"),
  );
  assert(!html.includes("<script"), html);
  assertStringIncludes(html, "&lt;script&gt;alert(1)&lt;/script&gt;");
  assert(!html.includes("<strong>"), html);
  assert(!html.includes("<a "), html);
  assert(!html.includes("<img"), html);
  assertStringIncludes(html, "**x** [a](javascript:x)");
  // A value can neither start a heading or list nor break out of its line.
  assertEquals(escapeMarkdown("# 1. a\nb"), "\\# 1\\. a b");
  // The trainer's own Markdown around the value still works.
  assertStringIncludes(
    renderMarkdown(substitute("**{{petName}}**", { petName: "Рекс" }, "ru", "markdown")),
    "<strong>Рекс</strong>",
  );
});

Deno.test("an unknown placeholder in Markdown is shown literally, not interpreted", () => {
  const html = renderMarkdown(substitute("{{**x**}} и {{<b>}}", rex, "ru", "markdown"));
  assert(!html.includes("<strong>"), html);
  assert(!html.includes("<b>"), html);
  assertStringIncludes(html, "{{**x**}}");
});
