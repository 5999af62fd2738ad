/**
 * 0007 — the studio's template library: a template stores every content
 * field a step has, so it gains the PRACTICE/THEORY checklist of 0005; and
 * the original's step categories are seeded (idempotent: an existing name is
 * left as it is, so the demo seed and an admin's renames keep theirs).
 */
import { type Kysely, sql } from "kysely";

/** The original product's categories (gafus-original.md, section c), in its order. */
export const ORIGINAL_CATEGORIES: { name: string; description: string; icon: string }[] = [
  { name: "Движение", description: "Ходьба рядом, повороты, смена темпа.", icon: "🐾" },
  { name: "Статика", description: "Место, выдержка, спокойствие.", icon: "🧘" },
  { name: "Подзыв", description: "Подход по команде дома и на улице.", icon: "📣" },
  { name: "Неподбор", description: "Отказ от еды с земли и из чужих рук.", icon: "🚫" },
  {
    name: "Контроль состояния",
    description: "Переключение, расслабление, спокойствие при возбуждении.",
    icon: "🌿",
  },
];

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql.raw(
    `ALTER TABLE step_templates ADD COLUMN checklist_items jsonb NOT NULL DEFAULT '[]'
       CHECK (jsonb_typeof(checklist_items) = 'array' AND jsonb_array_length(checklist_items) <= 50)`,
  ).execute(db);
  for (const [position, c] of ORIGINAL_CATEGORIES.entries()) {
    await sql`INSERT INTO step_categories (name, description, icon, position)
              VALUES (${c.name}, ${c.description}, ${c.icon}, ${position})
              ON CONFLICT (name) DO NOTHING`.execute(db);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql.raw(`ALTER TABLE step_templates DROP COLUMN checklist_items`).execute(db);
  // The seeded categories go only while no template uses them.
  for (const c of ORIGINAL_CATEGORIES) {
    await sql`DELETE FROM step_categories sc WHERE sc.name = ${c.name}
              AND NOT EXISTS (SELECT 1 FROM step_templates t WHERE t.category_id = sc.id)`
      .execute(db);
  }
}
