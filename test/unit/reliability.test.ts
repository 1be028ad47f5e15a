/**
 * SPEC §8, item by item, where a user would notice it: bad input gets a clear message and never
 * takes the check down. (Symlink loops, unreadable files, broken front matter and bad encodings
 * are also in loadCorpus.test.ts; cancellation and framing errors in protocol/reliability.test.ts.)
 */
import assert from "node:assert/strict";
import { closeSync, ftruncateSync, openSync, readdirSync, readFileSync, statSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import { loadCorpus } from "../../server/src/core/corpus/loadCorpus";
import { MINATO, tinyCorpus, writeProject, type TinyCorpus } from "../helpers/tinyCorpus";

let corpus: TinyCorpus;
before(async () => {
  corpus = await tinyCorpus({ "minato.md": MINATO });
});

describe("bad drafts never take the check down", () => {
  it("125,000 unbalanced 「 are each reported, and the check finishes", () => {
    const draft = "「".repeat(125_000);
    const found = corpus.check(draft);
    assert.equal(found.length, 125_000);
    assert.ok(found.every((f) => f.code === "unbalanced-quote"));
  });

  it("a long draft (300,000 characters) is checked whole", { timeout: 300_000 }, () => {
    const para = "山田市長は「子どもたちが気軽に本に触れる街にしたい」と述べた[@minato-2024-05-10]。費用は年間約4億円だ[@minato-2024-05-10]。\n\n";
    const draft = "# 長い原稿\n\n" + para.repeat(Math.ceil(300_000 / para.length));
    const codes = corpus.check(draft).map((f) => f.code);
    const paragraphs = Math.ceil(300_000 / para.length);
    assert.equal(codes.filter((c) => c === "quote-mismatch").length, paragraphs);
    assert.equal(codes.filter((c) => c === "number-mismatch").length, paragraphs);
  });

  it("deep nesting (20,000 levels of > or of <div>) and 20,000 brackets parse without a stack overflow", () => {
    for (const draft of ["> ".repeat(20_000) + "本文[@minato-2024-05-10]。\n", "<div>".repeat(20_000) + "\n本文。", "[".repeat(20_000) + "@a" + "]".repeat(20_000), "*a ".repeat(20_000) + "本文" + " a*".repeat(20_000)]) {
      const found = corpus.check(draft);
      assert.ok(!found.some((f) => f.message.includes("parse failed")), found.map((f) => f.message).join("\n"));
    }
  });

  it("a citation with no key and an unbalanced 「 are problems with a message, not crashes", () => {
    const codes = corpus.check("本文[@]。山田市長は「子どもたちが と述べた。").map((f) => `${f.code}: ${f.message}`);
    assert.ok(codes.some((c) => /^citation-without-key: This citation has no key/.test(c)), codes.join("\n"));
    assert.ok(codes.some((c) => /^unbalanced-quote: Unbalanced 「/.test(c)), codes.join("\n"));
  });
});

describe("bad corpus files are reported and skipped; the rest loads", () => {
  it("a 50 MB file, a 0-byte file, a binary file, invalid UTF-8, an unknown encoding, duplicate keys", async () => {
    const { corpus: dir } = writeProject({
      "good.md": MINATO,
      "empty.txt": "",
      "binary.txt": Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]),
      "invalid.txt": Buffer.concat([Buffer.from("港市の山田一郎市長は10日、".repeat(20)), Buffer.from([0xff, 0xfe, 0xfd]), Buffer.from("方針を明らかにした。")]),
      "latin1.txt": Buffer.from("Café au lait, crème brûlée et pâtisserie. Très élégant!".repeat(3), "latin1"),
      "z-dup.md": MINATO.replace("title: 港市長、図書館の無料開放を表明", "title: 別の記事"),
    });
    // 50 MB, sparse: written in no time.
    const fd = openSync(join(dir, "huge.txt"), "w");
    ftruncateSync(fd, 50 * 1024 * 1024);
    closeSync(fd);
    const { sources, problems } = await loadCorpus({ dir });
    // No loaded file is left out: the second claim of a key is indexed under a suffixed key, and said.
    assert.deepEqual(sources.map((s) => `${s.relPath} ${s.meta.key}`), ["good.md minato-2024-05-10", "z-dup.md minato-2024-05-10a"]);
    const reason = (file: string) => problems.filter((p) => p.path.endsWith(file)).map((p) => p.message).join(" | ");
    assert.match(reason("huge.txt"), /skipped: file too large \(50\.0 MB; the limit is 16\.0 MB\)/);
    assert.match(reason("empty.txt"), /skipped: empty file \(0 bytes\)/);
    assert.match(reason("binary.txt"), /skipped: binary file \(PNG image\)/);
    assert.match(reason("invalid.txt"), /skipped: invalid UTF-8 at byte \d+ \(line 1\)/);
    assert.match(reason("latin1.txt"), /skipped: unknown encoding/);
    assert.match(reason("z-dup.md"), /duplicate citation key 'minato-2024-05-10' \(from front-matter\): good\.md already has it .*indexed as 'minato-2024-05-10a'/);
    assert.match(reason("good.md"), /also claimed by z-dup\.md/);
  });

  it("a symlink loop is walked once and said", async () => {
    const { corpus: dir } = writeProject({ "a/good.md": MINATO });
    symlinkSync(join(dir, "a"), join(dir, "a", "loop"));
    const { sources, problems } = await loadCorpus({ dir });
    assert.deepEqual(sources.map((s) => s.relPath), ["a/good.md"]);
    assert.match(problems.map((p) => p.message).join("\n"), /directory already visited .*symlink loop/);
  });

  it("the corpus and the drafts are never written by a check", async () => {
    const { root, corpus: dir } = writeProject({ "good.md": MINATO }, { "draft.md": "本文[@minato-2024-05-10]。" });
    const stamp = () => readdirSync(root, { recursive: true }).map(String).sort().map((f) => `${f}:${statSync(join(root, f)).mtimeMs}:${statSync(join(root, f)).isFile() ? readFileSync(join(root, f)).length : "dir"}`);
    const before = stamp();
    const c = await tinyCorpus({ "good.md": MINATO });
    c.check(readFileSync(join(root, "draft.md"), "utf8"));
    await loadCorpus({ dir });
    assert.deepEqual(stamp(), before);
  });
});
