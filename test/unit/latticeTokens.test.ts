/**
 * The lean lattice (tokenizer.ts) against kuromoji itself, and the corpus workers' selected tokens
 * (`selectEntityTokens` of each clause) against full tokens: both must leave `analyzeText` unchanged.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { loadCorpus, parsePublished } from "../../server/src/core/corpus/loadCorpus";
import { analyzeText } from "../../server/src/core/text/analyze";
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
