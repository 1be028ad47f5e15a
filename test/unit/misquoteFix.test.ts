/**
 * A misquote's evidence and quick fix: the words shown and written back are whole phrases of the
 * source quote — never a fragment that starts after a dropped clause or stops a character short —
 * or, when no phrase is close to what the writer wrote, the whole quote is shown and no fix offered.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { checkDraft } from "../../server/src/core/check/checkDraft";
import { buildCorpus, type BuildCorpusResult } from "../../server/src/core/corpus/loadCorpus";
import { CorpusIndex } from "../../server/src/core/index/corpusIndex";
import { loadTokenizer, type Tokenizer } from "../../server/src/core/text/tokenizer";

const QUOTE = "今回すごく楽しみでもあり、あの頃から自分が成長してなかったらどうしようと思う不安もあります。信頼しあえる関係性を作って、いい作品を残したいです";
const ARTICLE = `---
key: film-a
title: 主演女優、再共演に意気込み
published: 2013-02-01
---
主演の佐藤花子は「${QUOTE}」と述べている。
`;

let dir: string;
let tokenizer: Tokenizer;
let built: BuildCorpusResult;
let index: CorpusIndex;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "shutten-misquote-"));
  writeFileSync(join(dir, "film.md"), ARTICLE);
  tokenizer = await loadTokenizer();
  built = await buildCorpus({ corpusDir: dir, tokenizer, cache: null });
  index = new CorpusIndex(built.sources, built.problems);
});
after(() => rmSync(dir, { recursive: true, force: true }));

function misquote(quote: string) {
  const draft = `佐藤花子は「${quote}」と語った[@film-a]。`;
  const f = checkDraft(draft, { index, tokenizer, aliases: built.aliases }).find((x) => x.code === "quote-mismatch");
  assert.ok(f, `quote-mismatch expected for 「${quote}」`);
  return f;
}

describe("misquote fix", () => {
  it("a misquote one character short at the end gets the phrase up to the quote's end", () => {
    const f = misquote("いい作品を残したいでう");
    assert.equal(f.fixes[0]?.text, "いい作品を残したいです");
    assert.match(f.message, /「いい作品を残したいです」/);
  });

  it("a changed word inside a clause gets that clause's words, starting where the clause starts", () => {
    const f = misquote("信頼し合える関係性を作って、いい作品を残したいです");
    assert.equal(f.fixes[0]?.text, "信頼しあえる関係性を作って、いい作品を残したいです");
  });

  it("every fix the checker offers is a whole phrase of the source quote", () => {
    for (const q of ["今回すごく楽しみでもあり、あの頃から自分が成長してなかったらどうしようと思う不安もあるます", "あの頃から自分が成長していなかったらどうしようと思う不安もあります", "いい作品を残したいと思います"]) {
      const f = checkDraft(`佐藤花子は「${q}」と語った[@film-a]。`, { index, tokenizer, aliases: built.aliases }).find((x) => x.code === "quote-mismatch");
      for (const fix of f?.fixes ?? []) {
        const at = QUOTE.indexOf(fix.text);
        assert.ok(at >= 0, `fix 「${fix.text}」 is the source's words`);
        assert.ok(at === 0 || /[、。]/.test(QUOTE[at - 1]), `fix 「${fix.text}」 starts a phrase`);
        const end = at + fix.text.length;
        assert.ok(end === QUOTE.length || /[、。]/.test(QUOTE[end]), `fix 「${fix.text}」 ends a phrase`);
      }
    }
  });

  it("when a clause was dropped from the middle, the whole quote is shown and no fix offered", () => {
    const f = misquote("今回すごく楽しみでもあり、不安もあります");
    assert.deepEqual(f.fixes, []);
    assert.ok(f.message.includes(QUOTE.slice(0, 20)), f.message);
  });
});
