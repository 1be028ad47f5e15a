/**
 * The lean lattice (tokenizer.ts) against kuromoji itself, and the corpus workers' selected tokens
 * (`selectEntityTokens` of each clause) against full tokens: both must leave `analyzeText` unchanged.
 */
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import fc from "fast-check";
import { loadCorpus, parsePublished } from "../../server/src/core/corpus/loadCorpus";
import { analyzeText } from "../../server/src/core/text/analyze";
import { wordsEndOnCharacters } from "../../server/src/core/text/dictionary";
import { AliasTable, selectEntityTokens } from "../../server/src/core/text/entities";
import { buildKuromoji, kuromojiReferenceTokens, kuromojiTokens, splitClauses, type Token, type Tokenizer } from "../../server/src/core/text/tokenizer";

const corpusDir = join(__dirname, "..", "..", "corpus");

/** Pieces with unknown words, Latin, digits, half-width kana, spaces, long runs and surrogates. */
const EDGES = [
  " ", "abc def", "　全角　スペース　", "🙂絵文字🙂テスト", "ＡＢＣ１２３ｱｲｳ", "東京都千代田区丸の内一丁目", "ﾃｽﾄ半角ｶﾅ", "x".repeat(300),
  "漢".repeat(200), "ー", "〜〜〜", "\t\tタブ", "URL https://example.com/a?b=c の説明", "1,234.5円、", "ｶﾞｷﾞ。", "ウィトコフ特使は、",
];

test("the lean lattice gives kuromoji's own tokens", async () => {
  const k = await buildKuromoji();
  const pieces = [...EDGES];
  for (const f of readdirSync(corpusDir).filter((n) => n.endsWith(".txt"))) {
    for (const line of readFileSync(join(corpusDir, f), "utf8").split("\n")) for (const c of splitClauses(line)) pieces.push(c.text);
  }
  assert.ok(pieces.length > 300);
  for (const p of pieces) assert.deepEqual(kuromojiTokens(k, p), kuromojiReferenceTokens(k, p), p);
});

test("analyzeText reads only the tokens selectEntityTokens keeps of each clause (what the corpus workers keep)", async () => {
  const k = await buildKuromoji();
  const tokenizer = (select: (tokens: Token[]) => Token[]): Tokenizer => ({
    tokenize(text) {
      const out: Token[] = [];
      for (const c of splitClauses(text)) for (const t of select(kuromojiReferenceTokens(k, c.text))) out.push({ ...t, start: t.start + c.start });
      return out;
    },
  });
  const full = tokenizer((t) => t);
  const proper = tokenizer(selectEntityTokens);
  const { sources } = await loadCorpus({ dir: corpusDir });
  for (const s of sources) {
    const ctx = { published: parsePublished(s.meta.published) };
    assert.deepEqual(
      analyzeText(s.text, s.body, { ...ctx, tokenizer: proper, aliases: new AliasTable() }),
      analyzeText(s.text, s.body, { ...ctx, tokenizer: full, aliases: new AliasTable() }),
      s.relPath,
    );
  }
});

test("the shared dictionary gives kuromoji's own tokens: sample corpus, real news (livedoor, when present) and random text", async () => {
  const { sharedDictionary, kuromojiOf, PROPER_NOUNS } = await import("../../server/src/core/text/tokenizer");
  const reference = await buildKuromoji();
  const shared = kuromojiOf(await sharedDictionary());
  const pieces = [...EDGES];
  for (const f of readdirSync(corpusDir).filter((n) => n.endsWith(".txt"))) {
    for (const line of readFileSync(join(corpusDir, f), "utf8").split("\n")) for (const c of splitClauses(line)) pieces.push(c.text);
  }
  // Held-out real text: an even spread of the livedoor news corpus (read in place, never copied).
  const ldcc = join(__dirname, "..", "..", "..", "shared", "corpora", "ldcc");
  if (existsSync(ldcc)) {
    const files = readdirSync(ldcc, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .flatMap((d) => readdirSync(join(ldcc, d.name)).filter((n) => /-\d+\.txt$/.test(n)).map((n) => join(ldcc, d.name, n)))
      .sort();
    for (let i = 0; i < files.length; i += Math.ceil(files.length / 60)) {
      for (const line of readFileSync(files[i], "utf8").split("\n")) for (const c of splitClauses(line)) pieces.push(c.text);
    }
  }
  const keep = (f: readonly string[]) => f[1] === "名詞" && f[2] === "固有名詞";
  for (const p of pieces) {
    const want = kuromojiReferenceTokens(reference, p);
    assert.deepEqual(kuromojiTokens(shared, p), want, p);
    const proper = want.filter((t) => t.pos === "名詞" && t.pos1 === "固有名詞");
    assert.deepEqual(kuromojiTokens(shared, p, keep), proper, p);
    // The lattice's own test of the features' bytes for this filter.
    assert.deepEqual(kuromojiTokens(shared, p, PROPER_NOUNS), proper, p);
  }
  const alphabet = [..."あいうえおかきくけこがぎアイウエオカキクケコーン漢字東京大統領会談日本人米露一二三四五〇123456789０１２ＡＢａｂabcXYZ 　、。・「」『』（）()!?！？-_/:ｱｲｳｴｵﾞﾟ"];
  fc.assert(
    fc.property(fc.array(fc.constantFrom(...alphabet), { minLength: 1, maxLength: 60 }), (chars) => {
      for (const c of splitClauses(chars.join(""))) assert.deepEqual(kuromojiTokens(shared, c.text), kuromojiReferenceTokens(reference, c.text));
    }),
    { numRuns: 400 },
  );
});

test("the lean lattice gives kuromoji's own tokens for random cuts of real sentences joined with random characters", async () => {
  const { sharedDictionary, kuromojiOf } = await import("../../server/src/core/text/tokenizer");
  const reference = await buildKuromoji();
  const shared = kuromojiOf(await sharedDictionary());
  // By code points: a cut through a surrogate pair would leave a lone surrogate, on which kuromoji
  // itself throws (no decoded file has one).
  const text = Array.from(
    readdirSync(corpusDir)
      .filter((n) => n.endsWith(".txt"))
      .map((f) => readFileSync(join(corpusDir, f), "utf8"))
      .join("\n"),
  );
  // Two- and three-byte characters of every kind kuromoji classes apart (Greek, Cyrillic, Latin-1,
  // symbols, half-width kana, kanji numerals), runs of one class, spaces and digits.
  const noise = [..."éüαβΩЖж×÷°±§¶ａｚＡＺ０９ｶﾀｶﾅﾞ〇一二三十百千万億ヴヵヶーァィゥ々〆ゝゞ　 \t0123456789abcXYZ.,-+%&@#"];
  const piece = fc.oneof(
    fc.tuple(fc.nat(text.length - 1), fc.integer({ min: 1, max: 24 })).map(([at, len]) => text.slice(at, at + len).join("")),
    fc.array(fc.constantFrom(...noise), { minLength: 1, maxLength: 8 }).map((c) => c.join("")),
    fc.constantFrom(...noise).chain((c) => fc.integer({ min: 2, max: 30 }).map((n) => c.repeat(n))),
  );
  fc.assert(
    fc.property(fc.array(piece, { minLength: 1, maxLength: 6 }), (pieces) => {
      for (const c of splitClauses(pieces.join(""))) assert.deepEqual(kuromojiTokens(shared, c.text), kuromojiReferenceTokens(reference, c.text), c.text);
    }),
    { numRuns: 600 },
  );
});


test("word ends are looked for on character boundaries only when every trie key ends on one", () => {
  // Root 0 (base 1); a key's byte b is node 1 + b, its terminal (byte 0) node base[key node].
  const trie = (keyByte: number) => {
    const base = new Int32Array(400);
    const check = new Int32Array(400).fill(-1);
    base[0] = 1;
    check[0] = 0;
    const node = 1 + keyByte;
    check[node] = 0;
    base[node] = 300;
    check[300] = node;
    base[300] = -1;
    return { base, check };
  };
  const ascii = trie(0x61);
  assert.equal(wordsEndOnCharacters(ascii.base, ascii.check), true);
  // A key of a lone lead byte (the first of あ's three) ends inside a character.
  const lead = trie(0xe3);
  assert.equal(wordsEndOnCharacters(lead.base, lead.check), false);
});

test("the byte trie (used when some key ends inside a character) gives the character trie's tokens", async () => {
  const { sharedDictionary, kuromojiOf } = await import("../../server/src/core/text/tokenizer");
  const data = await sharedDictionary();
  assert.ok(data.charTrie.length > 0);
  const byChar = kuromojiOf(data);
  const { byteTrie } = await import("../../server/src/core/text/dictionary");
  // (The shared dictionary keeps no byte trie when it has a character trie: made here, as for a dictionary without one.)
  assert.equal(data.trie.length, 0);
  const byByte = kuromojiOf({ ...data, charTrie: new Int32Array(0), codeIds: new Uint16Array(0), trie: byteTrie(data.base, data.check) });
  const pieces: string[] = [...EDGES];
  for (const f of readdirSync(corpusDir).filter((n) => n.endsWith(".txt"))) {
    for (const line of readFileSync(join(corpusDir, f), "utf8").split("\n")) for (const c of splitClauses(line)) pieces.push(c.text);
  }
  for (const p of pieces) assert.deepEqual(kuromojiTokens(byByte, p), kuromojiTokens(byChar, p), p);
});

test("the lattice's connection ids are a renumbering of kuromoji's, 0 kept, with the same costs", async () => {
  const { sharedDictionary } = await import("../../server/src/core/text/tokenizer");
  const { cc, ccByLeft, leftIds, rightIds } = await sharedDictionary();
  const rows = cc[0];
  const dim = cc[1];
  for (const [ids, n] of [
    [leftIds, dim],
    [rightIds, rows],
  ] as const) {
    assert.equal(ids[0], 0);
    assert.deepEqual(
      [...ids.subarray(0, n)].sort((a, b) => a - b),
      Array.from({ length: n }, (_, i) => i),
    );
  }
  for (let r = 0; r < rows; r += 7) for (let l = 0; l < dim; l += 5) assert.equal(ccByLeft[leftIds[l] * rows + rightIds[r]], cc[2 + r * dim + l]);
});
