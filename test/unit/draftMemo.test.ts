/**
 * An open draft's memo: re-checking after an edit reuses what the previous check worked out, gives
 * exactly the findings a fresh check gives, and holds only what the draft says now — however many
 * versions the writer has typed — so a long editing session does not grow the server's memory.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { before, describe, it } from "node:test";
import { checkDraft } from "../../server/src/core/check/checkDraft";
import { DraftMemo } from "../../server/src/core/check/draftMemo";
import { sampleCorpus, type SampleCorpus } from "../helpers/sampleCorpus";

let corpus: SampleCorpus;
let draft: string;
before(async () => {
  corpus = await sampleCorpus();
  draft = readFileSync(path.join(__dirname, "..", "..", "examples", "draft.md"), "utf8");
});

const options = (memo?: DraftMemo) => ({ index: corpus.index, tokenizer: corpus.tokenizer, aliases: corpus.built.aliases, memo });
/** The draft with one paragraph edited (`n` selects the edit), as a writer types. */
const edited = (n: number) => draft.replace("。", `、その${n}。`);

describe("a draft's memo", () => {
  it("re-checks after edits give the findings a check without memo gives", () => {
    const memo = new DraftMemo();
    for (let n = 0; n < 6; n++) {
      const text = n % 3 === 2 ? draft : edited(n);
      assert.deepEqual(checkDraft(text, options(memo)), checkDraft(text, options()), `version ${n}`);
    }
  });

  it("holds what the draft says now, not every version typed", () => {
    const memo = new DraftMemo();
    checkDraft(draft, options(memo));
    const oneVersion = memo.size;
    assert.ok(oneVersion > 0);
    for (let n = 0; n < 40; n++) checkDraft(edited(n), options(memo));
    assert.ok(memo.size <= oneVersion + 5, `${memo.size} entries after 40 versions; ${oneVersion} for one`);
  });

  it("a check superseded before it finished leaves its work to the next, and the next keeps only its own", () => {
    const memo = new DraftMemo();
    checkDraft(draft, options(memo));
    const oneVersion = memo.size;
    // Superseded after its analysis, before its rules (as a newer edit does between phases).
    let calls = 0;
    const checkpoint = () => {
      if (++calls >= 2) throw new Error("superseded");
    };
    assert.throws(() => checkDraft(edited(1), { ...options(memo), checkpoint }), /superseded/);
    assert.deepEqual(checkDraft(edited(2), options(memo)), checkDraft(edited(2), options()));
    assert.ok(memo.size <= oneVersion + 5, `${memo.size} entries; ${oneVersion} for one version`);
  });

  it("starts afresh when the corpus or its alias table is another (a rebuilt index)", () => {
    const memo = new DraftMemo();
    checkDraft(draft, options(memo));
    assert.ok(memo.size > 0);
    const scope = memo.begin(corpus.index, {});
    assert.equal(memo.size, 0, "nothing from another corpus is reused");
    let made = 0;
    assert.equal(scope.get("k", () => ++made), 1);
    assert.equal(scope.get("k", () => ++made), 1, "asked twice in one check, made once");
    scope.finish();
    assert.equal(memo.size, 1);
  });
});
