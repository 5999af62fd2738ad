/**
 * The exam's test editor inside the step form: each question with its
 * options (a radio marks the correct one) and an optional comment. Works
 * without JavaScript: "add question", "add option" and "remove" are submit
 * buttons (`op`) that bring the form back with everything typed and the
 * change made, nothing saved; the real save checks everything.
 */
import type { State } from "@/define.ts";
import { Field, type FieldErrors, Fieldset, TextareaField } from "@/components/forms.tsx";
import {
  MAX_OPTIONS,
  MAX_QUESTIONS,
  MIN_OPTIONS,
  type QuestionDraft,
} from "@/core/studio/steps.ts";

export function QuestionsEditor(
  { state, questions, errors, open, focus }: {
    state: State;
    questions: QuestionDraft[];
    errors: FieldErrors;
    /** Unfolded (an exam, or something to fix). */
    open: boolean;
    /** The field a button just added (keyboard users land on it). */
    focus?: string | null;
  },
) {
  const { t } = state;
  const live = questions.filter((q) => q.question.trim() || q.option.some((o) => o.trim())).length;
  return (
    <details class="exam-editor" id="q" open={open}>
      <summary>
        {t("studio.authoring.q.title")}
        {live > 0 && ` (${t.plural("studio.authoring.q.count", live)})`}
      </summary>
      <p class="field-hint">{t("studio.authoring.q.hint", { max: MAX_QUESTIONS })}</p>
      {errors.q && <p class="field-error" role="alert">{errors.q}</p>}
      <ol class="exam-editor__list">
        {questions.map((q, i) => {
          const p = `q.${i}`;
          return (
            <li key={i}>
              <fieldset class="fieldset exam-question" aria-labelledby={`${p}-legend`}>
                <legend id={`${p}-legend`}>{t("studio.authoring.q.n", { n: i + 1 })}</legend>
                <input type="hidden" name={`${p}.id`} value={q.id} />
                <Field
                  name={`${p}.question`}
                  label={t("studio.authoring.q.question.label")}
                  value={q.question}
                  error={errors[`${p}.question`]}
                  input={{ maxLength: 500, autofocus: focus === `${p}.question` }}
                />
                <Fieldset
                  legend={t("studio.authoring.q.options.label", {
                    min: MIN_OPTIONS,
                    max: MAX_OPTIONS,
                  })}
                  id={`${p}.correct`}
                  error={errors[`${p}.correct`]}
                  class="exam-options"
                >
                  {q.option.map((o, j) => (
                    <div class="exam-option" key={j}>
                      <span class="exam-option__correct">
                        <input
                          type="radio"
                          id={`${p}.correct.${j}`}
                          name={`${p}.correct`}
                          value={String(j)}
                          checked={q.correct === String(j)}
                        />
                        <label for={`${p}.correct.${j}`}>
                          {t("studio.authoring.q.correct.label", { n: j + 1 })}
                        </label>
                      </span>
                      <Field
                        name={`${p}.option.${j}`}
                        label={t("studio.authoring.q.option.label", { n: j + 1 })}
                        value={o}
                        error={errors[`${p}.option.${j}`]}
                        input={{ maxLength: 200, autofocus: focus === `${p}.option.${j}` }}
                      />
                      {q.option.length > MIN_OPTIONS && (
                        <button
                          type="submit"
                          name="op"
                          value={`removeOption.${i}.${j}`}
                          class="button button--ghost"
                        >
                          {t("studio.authoring.q.removeOption", { n: j + 1 })}
                        </button>
                      )}
                    </div>
                  ))}
                  {q.option.length < MAX_OPTIONS && (
                    <button type="submit" name="op" value={`addOption.${i}`} class="button">
                      {t("studio.authoring.q.addOption")}
                    </button>
                  )}
                </Fieldset>
                <TextareaField
                  name={`${p}.comment`}
                  label={t("studio.authoring.q.comment.label")}
                  hint={t("studio.authoring.q.comment.hint")}
                  optionalLabel={t("studio.steps.optional")}
                  value={q.comment}
                  error={errors[`${p}.comment`]}
                  rows={2}
                  maxLength={500}
                />
                <button
                  type="submit"
                  name="op"
                  value={`removeQuestion.${i}`}
                  class="button button--ghost"
                >
                  {t("studio.authoring.q.remove", { n: i + 1 })}
                </button>
              </fieldset>
            </li>
          );
        })}
      </ol>
      {questions.length <= MAX_QUESTIONS && (
        <button type="submit" name="op" value="addQuestion" class="button">
          {t("studio.authoring.q.add")}
        </button>
      )}
    </details>
  );
}
