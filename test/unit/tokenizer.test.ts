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
