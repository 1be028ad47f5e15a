import { test } from "node:test";
import assert from "node:assert/strict";
import * as path from "node:path";
import { dictionaryPath, loadTokenizer } from "../../server/src/core/text/tokenizer";

test("the dictionary is found from sources and loaded once per process", async () => {
  assert.ok(path.isAbsolute(dictionaryPath()));
  const a = await loadTokenizer();
  const b = await loadTokenizer();
  assert.equal(a, b);
});

test("token offsets are UTF-16 offsets into the text given", async () => {
  const t = await loadTokenizer();
  const text = "✅ ロシアのプーチン大統領は11日、会談した。二文目。";
  for (const tok of t.tokenize(text)) assert.equal(text.slice(tok.start, tok.start + tok.surface.length), tok.surface);
  const russia = t.tokenize(text).find((x) => x.surface === "ロシア");
  assert.equal(russia?.pos2, "地域");
});

test("offsets stay UTF-16 offsets after emoji and rare kanji (surrogate pairs), and a lone surrogate is a token, not a crash", async () => {
  const t = await loadTokenizer();
  for (const text of ["a😀b東京に行った𠮷野家で会った。", "社長は😊「はい」と述べた、東京で。", "東京\ud83dです。", "a\udc00b山田さん"]) {
    const tokens = t.tokenize(text);
    assert.ok(tokens.length > 0, text);
    for (const tok of tokens) assert.equal(text.slice(tok.start, tok.start + tok.surface.length), tok.surface, text);
  }
  assert.equal(t.tokenize("a😀b東京").find((x) => x.surface === "東京")?.start, 4);
});

test("the assembled dictionary kept in the cache folder reads back byte for byte; a damaged copy is ignored and written again", async () => {
  const { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const { readDictionarySync } = await import("../../server/src/core/text/dictionary");
  const { buildKuromoji, kuromojiOf, kuromojiReferenceTokens, kuromojiTokens, splitClauses } = await import("../../server/src/core/text/tokenizer");
  const cacheDir = mkdtempSync(path.join(tmpdir(), "shutten-dict-"));
  try {
    const fresh = readDictionarySync(dictionaryPath(), { cacheDir: null });
    const written = readDictionarySync(dictionaryPath(), { cacheDir });
    const folder = readdirSync(cacheDir).find((n) => n.startsWith("dictionary-v"));
    assert.ok(folder, "the assembled dictionary has a folder in the cache folder");
    const [file] = readdirSync(path.join(cacheDir, folder)).map((n) => path.join(cacheDir, folder, n));
    assert.ok(file, "the assembled dictionary is written to the cache folder");
    const cached = readDictionarySync(dictionaryPath(), { cacheDir });
    for (const name of Object.keys(fresh) as (keyof typeof fresh)[]) {
      assert.deepEqual(Buffer.from(cached[name].buffer, cached[name].byteOffset, cached[name].byteLength), Buffer.from(fresh[name].buffer, fresh[name].byteOffset, fresh[name].byteLength), name);
      assert.equal(written[name].length, fresh[name].length, name);
    }
    // The same tokens as kuromoji's own builder, read through the cached arrays.
    const reference = await buildKuromoji();
    const fromCache = kuromojiOf(cached);
    const corpus = path.join(__dirname, "..", "..", "corpus");
    for (const f of readdirSync(corpus).filter((n) => n.endsWith(".txt")).slice(0, 2)) {
      for (const line of readFileSync(path.join(corpus, f), "utf8").split("\n")) for (const c of splitClauses(line)) assert.deepEqual(kuromojiTokens(fromCache, c.text), kuromojiReferenceTokens(reference, c.text), c.text);
    }
    // One flipped byte deep in the arrays: the copy is not trusted, the dictionary is
    // assembled from the shipped files again, and the cache file is replaced by a sound one.
    const bytes = readFileSync(file);
    bytes[bytes.length - 5_000_000] ^= 0xff;
    writeFileSync(file, bytes);
    const again = readDictionarySync(dictionaryPath(), { cacheDir });
    assert.deepEqual(Buffer.from(again.cc.buffer, again.cc.byteOffset, again.cc.byteLength), Buffer.from(fresh.cc.buffer, fresh.cc.byteOffset, fresh.cc.byteLength));
    assert.notDeepEqual(readFileSync(file), bytes, "the damaged copy is written again");
  } finally {
    rmSync(cacheDir, { recursive: true, force: true });
  }
});
