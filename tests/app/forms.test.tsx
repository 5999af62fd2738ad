/**
 * The shared form components (components/forms.tsx, PostForm.tsx,
 * AccountFields.tsx): every error reaches screen readers through its field,
 * the CSRF token goes where the middleware looks for it, and nothing typed
 * as a password is ever echoed back.
 */
import { renderToString } from "preact-render-to-string";
import { assert, assertEquals, assertMatch, assertStringIncludes } from "../helpers/assert.ts";
import type { State } from "@/define.ts";
import { translator } from "@/core/i18n/mod.ts";
import {
  CheckboxField,
  DateField,
  Field,
  Fieldset,
  FileField,
  formBinding,
  HiddenFields,
  TextareaField,
} from "@/components/forms.tsx";
import { ButtonForm, PostForm } from "@/components/PostForm.tsx";
import { NewPasswordFields } from "@/components/AccountFields.tsx";

const t = translator("ru");
const state = { t, csrf: () => "tok+/=" } as unknown as State;

/** The attributes of the element with this id. */
function attrs(html: string, id: string): string {
  const m = new RegExp(`<[a-z]+ [^>]*id="${id}"[^>]*>`).exec(html);
  assert(m, `no element #${id}`);
  return m[0];
}

Deno.test("a field with an error is invalid and described by its hint and error", () => {
  for (
    const html of [
      renderToString(<Field name="nick" label="Ник" hint="Коротко" error="Слишком длинно" />),
      renderToString(
        <TextareaField name="nick" label="Ник" hint="Коротко" error="Слишком длинно" />,
      ),
      renderToString(<FileField name="nick" label="Ник" hint="Коротко" error="Слишком длинно" />),
      renderToString(<DateField name="nick" label="Ник" hint="Коротко" error="Слишком длинно" />),
      renderToString(
        <CheckboxField name="nick" label="Ник" hint="Коротко" error="Слишком длинно" />,
      ),
    ]
  ) {
    const control = attrs(html, "nick");
    assertStringIncludes(control, 'aria-invalid="true"');
    assertStringIncludes(control, 'aria-describedby="nick-hint nick-error"');
    assertStringIncludes(html, '<label for="nick">Ник</label>');
    assertStringIncludes(html, '<p class="field-error" id="nick-error">Слишком длинно</p>');
  }
  const clean = renderToString(<Field name="nick" label="Ник" />);
  assert(!clean.includes("aria-invalid"), "no error, no aria-invalid");
  assert(!clean.includes("aria-describedby"), "nothing to describe it");
});

Deno.test("a textarea shows its value as text; a date field asks for digits in the hint's format", () => {
  const about = "a<b\nc";
  const area = renderToString(<TextareaField name="about" label="О себе" value={about} />);
  assertStringIncludes(area, ">a&lt;b\nc</textarea>");
  const date = renderToString(
    <DateField name="d" label="Дата" hint="ДД.ММ.ГГГГ" value="01.02.2020" />,
  );
  const input = attrs(date, "d");
  assertStringIncludes(input, 'inputmode="numeric"');
  assertStringIncludes(input, 'placeholder="ДД.ММ.ГГГГ"');
  assertStringIncludes(input, 'value="01.02.2020"');
});

Deno.test("a fieldset with an error names it under the legend and is described by it", () => {
  const html = renderToString(
    <Fieldset id="rate" legend="Оценка" error="Выберите оценку" class="rating-input">
      <input type="radio" name="rating" value="1" />
    </Fieldset>,
  );
  const set = attrs(html, "rate");
  assertStringIncludes(set, 'class="fieldset rating-input field--invalid"');
  assertStringIncludes(set, 'aria-describedby="rate-error"');
  assertMatch(html, /<legend>Оценка<\/legend><p class="field-error" id="rate-error">/);
});

Deno.test("a post form carries the CSRF field, its hidden fields and a summary linking to prefixed ids", () => {
  const html = renderToString(
    <PostForm
      state={state}
      action="/settings"
      hidden={{ _action: "email", next: "" }}
      errors={{ email: "Неверный адрес", _form: "Не получилось" }}
      idPrefix="email-"
      labels={{ email: "Email" }}
      submit="Сохранить"
      variant="danger"
    >
      <Field id="email-email" name="email" label="Email" />
    </PostForm>,
  );
  assertStringIncludes(html, '<form class="form" method="post" action="/settings" novalidate>');
  assertStringIncludes(html, '<input type="hidden" name="_csrf" value="tok+/="/>');
  assertStringIncludes(html, '<input type="hidden" name="_action" value="email"/>');
  assert(!html.includes('name="next"'), "an empty hidden field is left out");
  assertStringIncludes(html, '<a href="#email-email">Email: Неверный адрес</a>');
  assertStringIncludes(html, '<p class="form-errors__general">Не получилось</p>');
  assertStringIncludes(
    html,
    '<button type="submit" class="button button--danger">Сохранить</button>',
  );
  assert(html.indexOf("form-errors") < html.indexOf('id="email-email"'), "the summary comes first");
});

Deno.test("a multipart form sends the token in its URL (the body streams past the middleware)", () => {
  const html = renderToString(
    <PostForm state={state} action="/profile" multipart submit="Загрузить">
      <FileField name="avatar" label="Фото" />
    </PostForm>,
  );
  assertStringIncludes(html, 'action="/profile?_csrf=tok%2B%2F%3D"');
  assertStringIncludes(html, 'enctype="multipart/form-data"');
  assert(!html.includes('name="_csrf"'), "no token field in a streamed body");
  assert(!html.includes("form-errors"), "no errors given, no summary");
  // An action that already has a query keeps it: the token is joined with "&".
  const withQuery = renderToString(
    <PostForm state={state} action="/studio/steps/s1/media?kind=pdf" multipart submit="Ок" />,
  );
  assertStringIncludes(
    withQuery,
    'action="/studio/steps/s1/media?kind=pdf&amp;_csrf=tok%2B%2F%3D"',
  );
});

Deno.test("a one-button form posts its hidden fields with the token", () => {
  const html = renderToString(
    <ButtonForm
      state={state}
      action="/r"
      hidden={{ _action: "delete", reviewId: "r1" }}
      label="Удалить"
      variant="ghost"
      class="inline-form"
    />,
  );
  assertEquals(
    html,
    '<form method="post" action="/r" class="inline-form">' +
      '<input type="hidden" name="_csrf" value="tok+/="/>' +
      '<input type="hidden" name="_action" value="delete"/>' +
      '<input type="hidden" name="reviewId" value="r1"/>' +
      '<button type="submit" class="button button--ghost">Удалить</button></form>',
  );
  assertEquals(renderToString(<HiddenFields />), "");
});

Deno.test("new password fields never echo a value and keep ids unique with a prefix", () => {
  const html = renderToString(
    <NewPasswordFields
      t={t}
      errors={{ passwordRepeat: "Пароли не совпадают" }}
      label="Новый пароль"
      idPrefix="password-"
    />,
  );
  assert(!/value="[^"]+"/.test(html), "no password value in the page");
  assertStringIncludes(attrs(html, "password-password"), 'autocomplete="new-password"');
  assertStringIncludes(attrs(html, "password-passwordRepeat"), 'aria-invalid="true"');
});

Deno.test("a form binding gives each field its name, id, value, error and label once", () => {
  const { field, labels } = formBinding<"name" | "breed">({
    values: { name: "Гром" },
    errors: { breed: "Укажите породу" },
    label: (n) => (n === "name" ? "Кличка" : "Порода"),
    idPrefix: "pet-",
  });
  assertEquals(field("name"), {
    id: "pet-name",
    name: "name",
    label: "Кличка",
    value: "Гром",
    error: undefined,
  });
  assertEquals(field("breed").error, "Укажите породу");
  assertEquals(labels(["name", "breed"]), { name: "Кличка", breed: "Порода" });
});
