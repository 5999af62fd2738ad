/** The course editor's form, shared by the new and edit pages. */
import type { State } from "@/define.ts";
import { typedValues } from "@/http/forms.ts";
import { PostForm } from "@/components/PostForm.tsx";
import {
  CheckboxField,
  Field,
  type FieldErrors,
  formBinding,
  SelectField,
  TextareaField,
} from "@/components/forms.tsx";
import { COURSE_LEVELS } from "@/db/schema.ts";
import { COURSE_FORM_FIELDS, type CourseFormField } from "@/core/studio/courses.ts";
import type { MessageKey } from "@/core/i18n/mod.ts";
import type { VideoChoice } from "@/core/video/library.ts";
import { VideoPicker } from "../../(_lib)/video_picker.tsx";

export type CourseFormValues = Partial<Record<CourseFormField, string>>;

export function courseValuesFrom(form: Record<string, unknown>): CourseFormValues {
  return typedValues(form, COURSE_FORM_FIELDS);
}

export function CourseForm(
  { state, action, values, errors, submit, slugLocked = false, videos }: {
    state: State;
    action: string;
    values: CourseFormValues;
    errors: FieldErrors;
    submit: string;
    /** Published: the slug is shown read-only. */
    slugLocked?: boolean;
    /** Library videos for the presentation video (no picker when absent). */
    videos?: VideoChoice[];
  },
) {
  const { t } = state;
  const { field, labels } = formBinding<CourseFormField>({
    values,
    errors,
    label: (n) => t(`studio.courses.field.${n}` as MessageKey),
  });
  const optional = t("studio.build.optional");
  return (
    <PostForm
      state={state}
      action={action}
      errors={errors}
      labels={labels(COURSE_FORM_FIELDS)}
      submit={submit}
      class="course-form"
    >
      <Field {...field("name")} required input={{ maxLength: 120, minLength: 3 }} />
      <Field
        {...field("slug")}
        hint={t("studio.courses.field.slug.hint")}
        optionalLabel={optional}
        input={{ maxLength: 64, readOnly: slugLocked, autocapitalize: "off", spellcheck: false }}
      />
      <Field {...field("shortDescription")} optionalLabel={optional} input={{ maxLength: 300 }} />
      <TextareaField
        {...field("description")}
        rows={8}
        maxLength={20000}
        optionalLabel={optional}
      />
      <SelectField
        {...field("level")}
        value={values.level ?? "BEGINNER"}
        required
        options={COURSE_LEVELS.map((l) => ({
          value: l,
          label: t(`course.level.${l}` as MessageKey),
        }))}
      />
      <Field
        {...field("duration")}
        hint={t("studio.courses.field.duration.hint")}
        optionalLabel={optional}
        input={{ maxLength: 60 }}
      />
      <TextareaField {...field("equipment")} rows={3} maxLength={2000} optionalLabel={optional} />
      <SelectField
        {...field("access")}
        value={values.access ?? "PUBLIC"}
        required
        options={(["PUBLIC", "PRIVATE"] as const).map((a) => ({
          value: a,
          label: t(`studio.courses.access.${a}`),
        }))}
      />
      <CheckboxField
        name="showInProfile"
        label={t("studio.courses.field.showInProfile")}
        error={errors.showInProfile}
        checked={values.showInProfile === "on"}
      />
      <CheckboxField
        name="personalised"
        label={t("studio.courses.field.personalised")}
        hint={t("studio.courses.field.personalised.hint")}
        error={errors.personalised}
        checked={values.personalised === "on"}
      />
      {videos && (
        <VideoPicker
          t={t}
          name="videoId"
          label={t("studio.courses.field.videoId")}
          value={values.videoId ?? ""}
          error={errors.videoId}
          videos={videos}
        />
      )}
    </PostForm>
  );
}
