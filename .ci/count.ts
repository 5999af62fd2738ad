/**
 * Counts test cases in JUnit reports written by `deno test --junit-path`:
 * prints "<passed> <failed>". A test case with a <failure> or <error> is
 * failed; skipped ones count as neither.
 */
let passed = 0;
let failed = 0;
for (const file of Deno.args) {
  let xml: string;
  try {
    xml = await Deno.readTextFile(file);
  } catch {
    continue;
  }
  for (const m of xml.matchAll(/<testcase\b[^>]*?(\/>|>([\s\S]*?)<\/testcase>)/g)) {
    const body = m[2] ?? "";
    if (/<(failure|error)\b/.test(body)) failed++;
    else if (/<skipped\b/.test(body)) continue;
    else passed++;
  }
}
console.log(`${passed} ${failed}`);
