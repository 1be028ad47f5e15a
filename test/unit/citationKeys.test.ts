/**
 * Unique keys for a whole corpus (corpus/citationKeys.ts): inferred keys that clash get suffixes as
 * citation managers give them, stable when unrelated files come and go; explicit clashes are
 * reported and both files are still indexed. Tried on a newsroom-like corpus of many same-outlet,
 * same-day articles.
 */
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import fc from "fast-check";
import { assignKeys, keySuffix, suffixedKey, type KeyClaim } from "../../server/src/core/corpus/citationKeys";
import { loadCorpus } from "../../server/src/core/corpus/loadCorpus";
import { isValidCitationKey } from "../../server/src/core/corpus/metadata";

const work = mkdtempSync(join(tmpdir(), "shutten-keys-"));
after(() => rmSync(work, { recursive: true, force: true }));

/** A wire story as scraped: outlet credit, dateline with the time, a paragraph. */
function wireStory(outlet: string, day: number, hour: number, n: number): string {
  return [
    `${outlet}ニュース速報`,
    "",
    `第${n}報 首脳会談の続報`,
    "",
    `2025年5月${day}日(月)${String(hour).padStart(2, "0")}時${String(n % 60).padStart(2, "0")}分`,
    "",
    `両国の外相は${n}日、電話で協議し、停戦に向けた条件について意見を交わしたと明らかにした。関係者によると、協議は${1 + (n % 5)}時間に及んだという。`,
    "",
    `[${outlet}]`,
    "",
  ].join("\n");
}

test("a newsroom archive: 60 same-outlet same-day stories are all indexed under distinct keys", async () => {
  const dir = join(work, "newsroom");
  mkdirSync(dir, { recursive: true });
  // Written in an order unrelated to their times: the keys follow the date-time, then the path.
  for (let n = 0; n < 60; n++) writeFileSync(join(dir, `story-${String((n * 37) % 60).padStart(3, "0")}.txt`), wireStory("ロイター", 26, 6 + (n % 12), n));
  writeFileSync(join(dir, "other-day.txt"), wireStory("ロイター", 27, 9, 99));
  const { sources, problems } = await loadCorpus({ dir });
  assert.equal(sources.length, 61);
  assert.deepEqual(problems.filter((p) => p.code === "duplicate-key"), []);
  const keys = sources.map((s) => s.meta.key);
  assert.equal(new Set(keys).size, 61, "no two sources share a key");
  for (const k of keys) assert.ok(isValidCitationKey(k), k);
  const sameDay = sources.filter((s) => s.meta.published?.startsWith("2025-05-26"));
  assert.equal(sameDay.length, 60);
  // Ordered by date-time: the earliest story keeps the plain key, the next get a, b, …
  const byTime = [...sameDay].sort((a, b) => (a.meta.published! < b.meta.published! ? -1 : a.meta.published! > b.meta.published! ? 1 : a.relPath < b.relPath ? -1 : 1));
  assert.deepEqual(
    byTime.map((s) => s.meta.key),
    ["reuters-2025-05-26", ...Array.from({ length: 59 }, (_, i) => `reuters-2025-05-26${keySuffix(i + 1)}`)],
  );
  assert.equal(byTime[0].meta.claimedKey, undefined);
  assert.equal(byTime[1].meta.claimedKey, "reuters-2025-05-26");
  assert.equal(sources.find((s) => s.relPath === "other-day.txt")!.meta.key, "reuters-2025-05-27");

  // Unrelated files come and go: no key moves.
  writeFileSync(join(dir, "another-outlet.txt"), wireStory("共同通信", 26, 7, 5));
  writeFileSync(join(dir, "aaa-first-in-path-order.txt"), wireStory("ロイター", 28, 7, 6));
  rmSync(join(dir, "other-day.txt"));
  const again = await loadCorpus({ dir });
  const keyOf = new Map(again.sources.map((s) => [s.relPath, s.meta.key]));
  for (const s of sameDay) assert.equal(keyOf.get(s.relPath), s.meta.key, s.relPath);
  assert.equal(keyOf.get("another-outlet.txt"), "kyodo-2025-05-26");
});

test("suffixes: a, b, … z, aa; after a hyphen when the key ends in a letter", () => {
  assert.deepEqual([1, 2, 26, 27, 28, 52, 53, 702, 703].map(keySuffix), ["a", "b", "z", "aa", "ab", "az", "ba", "zz", "aaa"]);
  assert.equal(suffixedKey("nikkei-2025-04-12", 1), "nikkei-2025-04-12a");
  assert.equal(suffixedKey("LICENSE", 2), "LICENSE-b");
  assert.equal(suffixedKey("会見", 1), "会見-a");
});

test("explicit keys: the catalogue's claim wins over a front matter's; both files are indexed, the clash reported", () => {
  const claims: KeyClaim[] = [
    { key: "smith2024", provenance: "front-matter", published: null, rel: "a.md", path: "/c/a.md" },
    { key: "smith2024", provenance: "catalogue", published: null, rel: "b.txt", path: "/c/b.txt" },
    { key: "smith2024", provenance: "text", published: "2024-01-01", rel: "c.txt", path: "/c/c.txt" },
  ];
  const { keys, problems } = assignKeys(claims);
  assert.deepEqual(keys, ["smith2024b", "smith2024", "smith2024a"]);
  assert.equal(problems.length, 2);
  assert.match(problems[0].message, /duplicate citation key 'smith2024' \(from front-matter\): b\.txt already has it \(from catalogue\); this file is indexed as 'smith2024b'/);
  assert.equal(problems[0].severity, "error");
  assert.equal(problems[0].path, "/c/a.md");
  assert.equal(problems[1].path, "/c/b.txt");
});

test("a suffix never takes a key another file claims for itself", () => {
  const claims: KeyClaim[] = [
    { key: "note", provenance: "file-name", published: null, rel: "x/note.txt", path: "/x/note.txt" },
    { key: "note", provenance: "file-name", published: null, rel: "y/note.txt", path: "/y/note.txt" },
    { key: "note-a", provenance: "file-name", published: null, rel: "note-a.txt", path: "/note-a.txt" },
  ];
  assert.deepEqual(assignKeys(claims).keys, ["note", "note-b", "note-a"]);
});

const claimArb = fc.record({
  key: fc.constantFrom("reuters-2025-05-26", "reuters-2025-05-27", "kyodo-2025-05-26", "note", "note-a", "smith2024", "reuters-2025-05-26a"),
  provenance: fc.constantFrom("text", "text", "text", "file-name", "front-matter", "catalogue"),
  published: fc.option(fc.constantFrom("2025-05-26", "2025-05-26T09:00:00+09:00", "2025-05-26T12:00:00+09:00"), { nil: null }),
  rel: fc.stringMatching(/^[a-z]{1,3}\/[a-z0-9]{1,4}\.txt$/),
});

test("property: keys are unique, valid, and a file's key does not move when files claiming other keys come or go", () => {
  fc.assert(
    fc.property(fc.uniqueArray(claimArb, { minLength: 1, maxLength: 30, selector: (c) => c.rel }), fc.array(fc.boolean(), { minLength: 30, maxLength: 30 }), (raw, keep) => {
      const claims: KeyClaim[] = raw.map((c) => ({ ...c, path: `/c/${c.rel}` }));
      const { keys } = assignKeys(claims);
      assert.equal(new Set(keys).size, keys.length);
      for (const k of keys) assert.ok(isValidCitationKey(k), k);
      // Explicit keys stay with one of their claimants; inferred keys only ever gain a suffix.
      claims.forEach((c, i) => assert.ok(keys[i] === c.key || keys[i].startsWith(c.key), `${c.key} → ${keys[i]}`));
      // Drop some files that claim a key no kept file claims (and that no kept file's suffix could equal).
      const target = claims[0];
      const related = (c: KeyClaim) => c.key === target.key || keys.includes(c.key) && c.key.startsWith(target.key);
      const subset = claims.filter((c, i) => i === 0 || related(c) || keep[i]);
      const after = assignKeys(subset).keys;
      assert.equal(after[0], keys[0], `${target.rel} keeps its key`);
    }),
    { numRuns: 300 },
  );
});
