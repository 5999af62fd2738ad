/**
 * `/u/<username>`: a public profile — only what its owner agreed to
 * publish (`is_public`): about, contacts, pets, and for trainers their
 * published courses marked "show in profile". A hidden or missing profile
 * gets the same "not available" page (404); the owner always sees theirs.
 */
import { define } from "@/define.ts";
import { page } from "@/framework/mod.ts";
import { type PublicProfile, publicProfile } from "@/core/profile.ts";
import { PageTitle } from "@/components/PageTitle.tsx";
import { CourseCard } from "@/components/CourseCard.tsx";
import { FormNotice } from "@/components/forms.tsx";
import { Section } from "@/components/Section.tsx";
import { ContactsSection, formatDate, PetsSection, ProfileHead } from "../profile/(_lib)/parts.tsx";
import { petPath, profilePath } from "@/core/paths.ts";

export const handler = define.handlers<{ view: PublicProfile | null }>({
  async GET(ctx) {
    const view = await publicProfile(ctx.state.services, ctx.state.user, ctx.params.username);
    // Never the anonymous page cache: visibility can change at any moment.
    return page({ view }, { status: view ? 200 : 404 });
  },
});

export default define.page<typeof handler>(({ data, state }) => {
  const { t } = state;
  const view = data.view;
  if (!view) {
    return (
      <>
        <PageTitle t={t} title={t("profile.notAvailable")} />
        <section class="notice">
          <h1>{t("profile.notAvailable")}</h1>
          <p>{t("profile.notAvailable.text")}</p>
          <p>
            <a href="/courses">{t("course.back")}</a>
          </p>
        </section>
      </>
    );
  }
  const { profile: p, pets, courses, isOwner } = view;
  return (
    <>
      <PageTitle t={t} title={p.fullName || p.username} />
      {isOwner && (
        <FormNotice kind="info">
          {p.isPublic
            ? t("profile.public.on", { url: profilePath(p.username) })
            : t("profile.public.off")} <a href="/profile">{t("profile.title")}</a>
        </FormNotice>
      )}
      <ProfileHead profile={p} t={t} level={1} avatarSize={112}>
        {p.birthDate && (
          <p class="muted">{t("profile.born", { date: formatDate(t, p.birthDate) })}</p>
        )}
      </ProfileHead>
      {p.about && <p class="profile-about">{p.about}</p>}
      <ContactsSection profile={p} t={t} />
      {courses.length > 0 && (
        <Section id="courses-title" class="profile-section" title={t("profile.courses")}>
          <ul class="course-list">
            {courses.map((c) => <CourseCard key={c.id} course={c} t={t} />)}
          </ul>
        </Section>
      )}
      <PetsSection
        pets={pets}
        t={t}
        hrefOf={isOwner ? (pet) => petPath(pet.id) : undefined}
      />
    </>
  );
});
