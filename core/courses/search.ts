/**
 * Text search rules shared by the server and the catalogue island:
 * case-insensitive in Russian and English, `ё` equals `е`, every word of the
 * query must occur. No imports, so the browser bundle stays small.
 */

export function normalizeSearch(text: string): string {
  return text.toLocaleLowerCase("ru").replaceAll("ё", "е").replace(/\s+/g, " ").trim();
}

export function matchesSearch(searchText: string, query: string): boolean {
  const words = normalizeSearch(query).split(" ").filter(Boolean);
  return words.every((w) => searchText.includes(w));
}
