/**
 * `/u/<username>`: a public profile — only what its owner agreed to
 * publish (`is_public`): about, contacts, pets, and for trainers their
 * published courses marked "show in profile". A hidden or missing profile
 * gets the same "not available" page (404); the owner always sees theirs.
 */
import { define } from "../../define.ts";
import { page } from "../../framework/mod.ts";
import { type PublicProfile, publicProfile } from "../../core/profile.ts";
import { PageTitle } from "../../components/PageTitle.tsx";
import { CourseCard } from "../../components/CourseCard.tsx";
import { FormNotice } from "../../components/forms.tsx";
import { Avatar, Contacts, formatDate, PetCard } from "../profile/(_parts)/parts.tsx";

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
  const name = p.fullName || p.username;
  return (
    <>
      <PageTitle t={t} title={name} />
      {isOwner && (
        <FormNotice kind="info">
          {p.isPublic
            ? t("profile.public.on", { url: `/u/${p.username}` })
            : t("profile.public.off")} <a href="/profile">{t("profile.title")}</a>
        </FormNotice>
      )}
      <header class="profile-head">
        <Avatar avatarKey={p.avatarKey} name={name} t={t} size={112} />
        <div>
          <h1 class="profile-head__name">{name}</h1>
          <p class="muted">
            @{p.username} · <span class="role-badge">{t(`profile.role.${p.role}` as const)}</span>
          </p>
          {p.birthDate && (
            <p class="muted">{t("profile.born", { date: formatDate(t, p.birthDate) })}</p>
          )}
        </div>
      </header>
      {p.about && <p class="profile-about">{p.about}</p>}
      {(p.telegram || p.instagram || p.website) && (
        <section aria-labelledby="contacts-title" class="profile-section">
          <h2 id="contacts-title">{t("profile.contacts")}</h2>
          <Contacts profile={p} t={t} />
        </section>
      )}
      {courses.length > 0 && (
        <section aria-labelledby="courses-title" class="profile-section">
          <h2 id="courses-title">{t("profile.courses")}</h2>
          <ul class="course-list">
            {courses.map((c) => <CourseCard key={c.id} course={c} t={t} />)}
          </ul>
        </section>
      )}
      <section aria-labelledby="pets-title" class="profile-section">
        <h2 id="pets-title">{t("profile.pets")}</h2>
        {pets.length
          ? (
            <ul class="pet-list">
              {pets.map((pet) => (
                <PetCard
                  key={pet.id}
                  pet={pet}
                  t={t}
                  href={isOwner ? `/profile/pets/${pet.id}` : undefined}
                />
              ))}
            </ul>
          )
          : <p class="muted">{t("profile.pets.empty")}</p>}
      </section>
    </>
  );
});
