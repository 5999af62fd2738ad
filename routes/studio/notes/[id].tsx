/**
 * `/studio/notes/<id>`: one note for its author or staff (anyone else in the
 * studio gets 404): its entries, newest first, each shown to the learner or
 * hidden; the form for a new entry; the note's title, tags and learners.
 * Every form posts here with `_action`; a refused one comes back with what
 * was typed, a change redirects here with a notice. Ships no JavaScript.
 */
import { define } from "@/define.ts";
import { HttpError, page } from "@/framework/mod.ts";
import { formObject } from "@/http/forms.ts";
import { redirect } from "@/http/responses.ts";
import { formFailure } from "@/http/errors.ts";
import {
  addEntry,
  BODY_MAX,
  deleteEntry,
  deleteNote,
  type NoteDetail,
  noteDetail,
  setEntryVisible,
  updateNote,
} from "@/core/studio/notes.ts";
import type { FieldErrors } from "@/core/validation.ts";
import { studioNotePath, studioNotesPath, studioPath } from "@/core/paths.ts";
import { renderMarkdown } from "@/core/markdown.ts";
import { PageTitle } from "@/components/PageTitle.tsx";
import { ButtonForm, PostForm } from "@/components/PostForm.tsx";
import { CheckboxField, FormNotice, TextareaField } from "@/components/forms.tsx";
import { Section } from "@/components/Section.tsx";
import { NoteForm, type NoteFormValues, noteValuesFrom } from "./(_lib)/form.tsx";

const DONE = ["created", "saved", "entry", "shown", "hidden", "entryDeleted"] as const;
type Done = typeof DONE[number];

interface Data {
  note: NoteDetail;
  done?: Done;
  failed?: { form: "note" | "entry"; values: NoteFormValues; errors: FieldErrors };
}

export const handler = define.handlers<Data>({
  async GET(ctx) {
    const { services, user } = ctx.state;
    const note = await noteDetail(services, user, ctx.params.id);
    const done = ctx.url.searchParams.get("done") ?? "";
    return page({
      note,
      done: (DONE as readonly string[]).includes(done) ? done as Done : undefined,
    }, { headers: { "cache-control": "private, no-store" } });
  },
  async POST(ctx) {
    const { services, user, t } = ctx.state;
    const id = ctx.params.id;
    const form = await formObject(ctx);
    const back = (done: Done) => redirect(`${studioNotePath(id)}?done=${done}`);
    const action = form._action;
    try {
      switch (action) {
        case "save":
          await updateNote(services, user, id, form);
          return back("saved");
        case "entry":
          await addEntry(services, user, id, form);
          return back("entry");
        case "visibility":
          return back(await setEntryVisible(services, user, id, form) ? "shown" : "hidden");
        case "delete-entry":
          await deleteEntry(services, user, id, form);
          return back("entryDeleted");
        case "delete":
          await deleteNote(services, user, id);
          return redirect(studioNotesPath());
        default:
          throw new HttpError(400, "unknown note action");
      }
    } catch (err) {
      const failure = formFailure(err, t);
      if (!failure) throw err;
      const note = await noteDetail(services, user, id);
      return page({
        note,
        failed: {
          form: action === "save" ? "note" : "entry",
          values: noteValuesFrom(form),
          errors: failure.errors,
        },
      }, { status: failure.status });
    }
  },
});

export default define.page<typeof handler>(({ data, state }) => {
  const { t } = state;
  const { note, failed } = data;
  const self = studioNotePath(note.id);
  const when = (d: Date) =>
    t.date(d, {
      day: "numeric",
      month: "long",
      year: "numeric",
      hour: "2-digit",
      minute: "2-digit",
    });
  const notices: Record<Done, string> = {
    created: t("studio.notes.flash.created"),
    saved: t("studio.notes.flash.saved"),
    entry: t("studio.notes.flash.entry"),
    shown: t("studio.notes.flash.shown"),
    hidden: t("studio.notes.flash.hidden"),
    entryDeleted: t("studio.notes.flash.entryDeleted"),
  };
  const noteValues: NoteFormValues = failed?.form === "note" ? failed.values : {
    title: note.title,
    tags: note.tags.join(", "),
    learners: note.learners.map((l) => l.username).join(", "),
  };
  const entryFailed = failed?.form === "entry" ? failed : undefined;
  return (
    <div class="studio-note">
      <PageTitle t={t} title={note.title} />
      <nav class="breadcrumbs" aria-label="breadcrumbs">
        <a href={studioPath()}>{t("studio.title")}</a>
        {" / "}
        <a href={studioNotesPath()}>{t("studio.notes.back")}</a>
      </nav>
      {data.done && <FormNotice>{notices[data.done]}</FormNotice>}
      <h1>{note.title}</h1>
      <p class="muted">
        {t("studio.notes.learnersOf", { names: note.learners.map((l) => l.username).join(", ") })}
        {note.tags.length ? ` · ${note.tags.map((x) => `#${x}`).join(" ")}` : ""}
        {note.authorId !== state.user?.id
          ? ` · ${t("studio.notes.author", { name: note.author })}`
          : ""}
      </p>

      <Section id="note-entries" title={t("studio.notes.entriesTitle")}>
        <PostForm
          state={state}
          action={self}
          hidden={{ _action: "entry" }}
          errors={entryFailed?.errors}
          labels={{ body: t("studio.notes.field.body") }}
          submit={t("studio.notes.addEntry")}
        >
          <TextareaField
            name="body"
            label={t("studio.notes.field.body")}
            value={entryFailed?.values.body}
            error={entryFailed?.errors.body}
            rows={4}
            maxLength={BODY_MAX}
            required
          />
          <CheckboxField
            name="visible"
            label={t("studio.notes.field.visible")}
            hint={t("studio.notes.field.visible.hint")}
            checked={entryFailed?.values.visible === "on"}
          />
        </PostForm>
        {note.entryList.length === 0
          ? <p class="empty">{t("studio.notes.noEntries")}</p>
          : (
            <ul class="studio-list">
              {note.entryList.map((e) => (
                <li
                  key={e.id}
                  class="studio-list__item"
                  data-entry={e.id}
                  data-visible={e.visible ? "1" : "0"}
                >
                  <span class="studio-list__meta">
                    <time dateTime={e.createdAt.toISOString()}>{when(e.createdAt)}</time>
                    {" · "}
                    {e.visible ? t("studio.notes.visible") : t("studio.notes.hidden")}
                  </span>
                  <div class="prose" dangerouslySetInnerHTML={{ __html: renderMarkdown(e.body) }} />
                  <ButtonForm
                    state={state}
                    action={self}
                    hidden={{
                      _action: "visibility",
                      entryId: e.id,
                      visible: e.visible ? "" : "on",
                    }}
                    label={e.visible ? t("studio.notes.hide") : t("studio.notes.show")}
                    class="inline-form"
                  />{" "}
                  <ButtonForm
                    state={state}
                    action={self}
                    hidden={{ _action: "delete-entry", entryId: e.id }}
                    label={t("studio.notes.deleteEntry")}
                    variant="ghost"
                    class="inline-form"
                  />
                </li>
              ))}
            </ul>
          )}
      </Section>

      <Section id="note-edit" title={t("studio.notes.edit")}>
        <NoteForm
          state={state}
          action={self}
          hidden={{ _action: "save" }}
          values={noteValues}
          errors={failed?.form === "note" ? failed.errors : {}}
          submit={t("studio.notes.save")}
        />
      </Section>

      <div class="studio-delete">
        <ButtonForm
          state={state}
          action={self}
          hidden={{ _action: "delete" }}
          label={t("studio.notes.delete")}
          variant="danger"
        />
      </div>
    </div>
  );
});
