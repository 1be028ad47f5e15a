import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync, chmodSync, cpSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { findCorpus, loadCorpus, type CorpusFs, nodeCorpusFs } from "../../server/src/core/corpus/loadCorpus";
import { listCorpusFiles } from "../../server/src/core/corpus/corpusFiles";
import type { CorpusProblem } from "../../server/src/core/model";
import { LineIndex } from "../../server/src/core/lineIndex";

const root = join(__dirname, "..", "..");
const variants = join(root, "test", "fixtures", "corpus-variants");

test("the sample corpus loads with its catalogue keys", async () => {
  const { sources, problems } = await loadCorpus({ dir: join(root, "corpus") });
  assert.deepEqual(problems, []);
  assert.deepEqual(
    sources.map((s) => s.meta.key),
    ["chrysanthemum-ukraine-talks", "findgo-trump-putin-call", "nikkei-2025-04-12", "newsweekjapan-2025-03-24"],
  );
  for (const s of sources) {
    assert.equal(s.encoding, "utf-8");
    assert.match(s.hash, /^[0-9a-f]{64}$/);
    assert.ok(s.body.length > 0);
  }
});

test("every encoding and format variant loads to the same article text", async () => {
  const { sources, problems } = await loadCorpus({ dir: join(variants, "good") });
  assert.deepEqual(problems, []);
  const by = Object.fromEntries(sources.map((s) => [s.relPath, s]));
  assert.equal(by["000_shift_jis.txt"].encoding, "shift_jis");
  assert.equal(by["001_euc_jp.txt"].encoding, "euc-jp");
  assert.equal(by["002_utf16le_bom.txt"].encoding, "utf-16le");
  assert.equal(by["003_utf8_bom.txt"].encoding, "utf-8");
  const phrase = "ウィットコフ中東担当特使とロシア北西部サンクトペテルブルクで会談した";
  for (const rel of ["002_utf16le_bom.txt", "002_page.html"]) {
    const s = by[rel];
    assert.ok(s.body.some((b) => s.text.slice(b.start, b.end).includes(phrase)), rel);
    assert.ok(!s.body.some((b) => /記事を印刷する|円安|ニュースレター|Copyright|gtag/.test(s.text.slice(b.start, b.end))), rel);
  }
  // HTML: offsets are the file's own (the masked view has the file's length and line breaks).
  const html = by["002_page.html"];
  const file = readFileSync(join(variants, "good", "002_page.html"), "utf8");
  assert.equal(html.format, "html");
  assert.equal(html.text.length, file.length);
  assert.equal(new LineIndex(html.text).lineCount, new LineIndex(file).lineCount);
  const at = html.text.indexOf(phrase);
  assert.equal(file.slice(at, at + phrase.length), phrase);
  assert.equal(html.meta.key, "nikkei-2025-04-12");
  assert.equal(html.meta.url, "https://www.nikkei.com/article/DGXZQOGN000000000000000000000/");
  const md = by["003_front_matter.md"];
  assert.equal(md.meta.key, "reuters-peskov-2025-03-24");
  assert.equal(md.meta.provenance?.key, "front-matter");
  assert.ok(md.body[0].start > md.text.indexOf("---", 3), "front matter is not body");
});

test("bad inputs are reported with file and reason; the rest loads", async () => {
  const { sources, problems } = await loadCorpus({ dir: join(variants, "bad") });
  // Two files claim the key `same-key` in their front matter: both are indexed, the second under a
  // suffixed key, and the clash is reported on both.
  assert.deepEqual(sources.map((s) => s.relPath).sort(), ["broken-front-matter.md", "dup-a.md", "dup-b.md", "good.txt"]);
  assert.deepEqual(
    sources.filter((s) => s.relPath.startsWith("dup-")).map((s) => [s.relPath, s.meta.key, s.meta.claimedKey]),
    [
      ["dup-a.md", "same-key", undefined],
      ["dup-b.md", "same-key-a", "same-key"],
    ],
  );
  const reason = (file: string) =>
    problems
      .filter((p) => p.path.endsWith(file))
      .map((p) => `${p.code}: ${p.message}`)
      .join(" | ");
  assert.match(reason("binary.txt"), /^binary: skipped: binary file/);
  assert.match(reason("control-chars.txt"), /^binary:/);
  assert.match(reason("empty.txt"), /^empty: skipped: empty file/);
  assert.match(reason("invalid-utf8.txt"), /^invalid-utf8: skipped: invalid UTF-8 at byte 200/);
  assert.match(reason("latin1.txt"), /^unknown-encoding:/);
  assert.match(reason("unclosed-front-matter.md"), /never closed/);
  // `title: [unclosed` is no YAML, but every line is `name: value`: read as typed, and said.
  assert.match(reason("broken-front-matter.md"), /^front-matter: front matter is not valid YAML \(line [34]\).*read line by line as the text written/);
  assert.equal(sources.find((s) => s.relPath === "broken-front-matter.md")?.meta.key, "broken-fm");
  assert.equal(sources.find((s) => s.relPath === "broken-front-matter.md")?.meta.title, "[unclosed");
  assert.match(reason("dup-b.md"), /^duplicate-key: duplicate citation key 'same-key' \(from front-matter\): dup-a\.md already has it .*indexed as 'same-key-a'/);
  assert.match(reason("dup-a.md"), /^duplicate-key: .*dup-b\.md/);
});

/** Two sample articles in `dir`: `a.txt` and `sub/b.md`. */
function twoArticles(dir: string): void {
  cpSync(join(root, "corpus", "002_a7bcb88a404c413b.txt"), join(dir, "a.txt"));
  mkdirSync(join(dir, "sub"));
  cpSync(join(root, "corpus", "003_da387fb42327dcfe.txt"), join(dir, "sub", "b.md"));
}

test("symlink loops, unreadable and oversized files, include/exclude", async () => {
  const dir = mkdtempSync(join(tmpdir(), "shutten-corpus-"));
  try {
    twoArticles(dir);
    symlinkSync(dir, join(dir, "sub", "loop"));
    symlinkSync(join(dir, "missing.txt"), join(dir, "dangling.txt"));
    writeFileSync(join(dir, "big.txt"), Buffer.alloc(20000, 0x41));
    writeFileSync(join(dir, "locked.txt"), "本文");
    chmodSync(join(dir, "locked.txt"), 0o000);
    writeFileSync(join(dir, "notes.csv"), "a,b");
    mkdirSync(join(dir, "drafts"));
    writeFileSync(join(dir, "drafts", "d.md"), "下書き");

    // An injected file system makes the unreadable case independent of running as root.
    const fs: CorpusFs = {
      ...nodeCorpusFs,
      readFile: async (p) => {
        if (p.endsWith("locked.txt")) throw Object.assign(new Error("EACCES: permission denied"), { code: "EACCES" });
        return nodeCorpusFs.readFile(p);
      },
    };
    const { sources, problems } = await loadCorpus({ dir, fs, maxFileBytes: 10000, exclude: ["drafts/**"] });
    assert.deepEqual(sources.map((s) => s.relPath), ["a.txt", "sub/b.md"]);
    const msg = problems.map((p) => `${p.path.slice(dir.length + 1)}: ${p.code}: ${p.message}`).join("\n");
    assert.match(msg, /big\.txt: too-large: skipped: file too large \(19\.5 KB; the limit is 9\.8 KB\)/);
    assert.match(msg, /locked\.txt: unreadable: skipped: cannot read file \(EACCES\)/);
    assert.match(msg, /dangling\.txt: unreadable: broken symbolic link/);
    assert.match(msg, /sub\/loop: symlink-loop/);
  } finally {
    chmodSync(join(dir, "locked.txt"), 0o644);
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a missing corpus folder throws (the CLI turns it into exit 2)", async () => {
  await assert.rejects(loadCorpus({ dir: join(tmpdir(), "no-such-corpus-" + process.pid) }), /cannot read corpus directory/);
});

test("a corpus of links: every linked article found in name order, a file linked twice taken once", async () => {
  const store = mkdtempSync(join(tmpdir(), "shutten-store-"));
  const dir = mkdtempSync(join(tmpdir(), "shutten-links-"));
  try {
    const names: string[] = [];
    for (let i = 0; i < 120; i++) {
      const name = `article-${String(i).padStart(3, "0")}.txt`;
      writeFileSync(join(store, name), `記事${i}の本文です。`);
      symlinkSync(join(store, name), join(dir, name));
      names.push(name);
    }
    // The same article linked again under a later name, and a linked folder holding it once more.
    symlinkSync(join(store, "article-005.txt"), join(dir, "zz-again.txt"));
    mkdirSync(join(store, "folder"));
    symlinkSync(join(store, "article-007.txt"), join(store, "folder", "inner.txt"));
    symlinkSync(join(store, "folder"), join(dir, "linked-folder"));
    const { findCorpusFiles } = await import("../../server/src/core/corpus/corpusFiles");
    const problems: { message: string }[] = [];
    const found = await findCorpusFiles(dir, {}, problems as never);
    // article-007 is met first under its own name, so the linked folder adds nothing.
    assert.deepEqual(found.map((f) => f.rel), names);
    assert.deepEqual(problems, []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    rmSync(store, { recursive: true, force: true });
  }
});

test("the workers' blocking reader refuses an oversized file by its size and says why a file cannot be read", async () => {
  const { readFileBytes } = await import("../../server/src/core/corpus/readSource");
  const { nodeCorpusFsSync } = await import("../../server/src/core/corpus/corpusFs");
  const dir = mkdtempSync(join(tmpdir(), "shutten-read-"));
  try {
    writeFileSync(join(dir, "big.txt"), Buffer.alloc(20000, 0x41));
    writeFileSync(join(dir, "ok.txt"), "本文");
    symlinkSync(join(dir, "ok.txt"), join(dir, "link.txt"));
    const big = await readFileBytes(join(dir, "big.txt"), nodeCorpusFsSync, 10000);
    assert.equal(big.ok, null);
    assert.match(big.problems[0].message, /file too large \(19\.5 KB; the limit is 9\.8 KB\)/);
    const ok = await readFileBytes(join(dir, "link.txt"), nodeCorpusFsSync, 10000);
    assert.equal(Buffer.from(ok.ok!).toString("utf8"), "本文");
    const missing = await readFileBytes(join(dir, "missing.txt"), nodeCorpusFsSync, 10000);
    assert.match(missing.problems[0].message, /cannot read file \(ENOENT\)/);
    const folder = await readFileBytes(dir, nodeCorpusFsSync, 10000);
    assert.match(folder.problems[0].message, /cannot read file \(EISDIR\)/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a corpus the host has just listed is not walked again by the build: same files, same walk problems", async () => {
  const dir = mkdtempSync(join(tmpdir(), "shutten-corpus-"));
  try {
    twoArticles(dir);
    symlinkSync(join(dir, "missing.txt"), join(dir, "dangling.txt"));
    let readdirs = 0;
    const fs: CorpusFs = { ...nodeCorpusFs, readdir: async (p) => (readdirs++, nodeCorpusFs.readdir(p)) };
    const walked = await findCorpus({ dir, fs, stat: true });
    assert.ok(readdirs > 0);
    const listingProblems: CorpusProblem[] = [];
    const files = await listCorpusFiles(dir, {}, listingProblems);
    readdirs = 0;
    const reused = await findCorpus({ dir, fs, stat: true, listed: { files, problems: listingProblems } });
    assert.equal(readdirs, 0);
    assert.deepEqual(reused.files.map((f) => f.rel), walked.files.map((f) => f.rel));
    assert.deepEqual(reused.files.map((f) => f.rel), ["a.txt", "sub/b.md"]);
    assert.deepEqual(reused.problems.map((p) => `${p.code}: ${p.message}`), walked.problems.map((p) => `${p.code}: ${p.message}`));
    assert.match(reused.problems.map((p) => p.message).join("\n"), /broken symbolic link/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
