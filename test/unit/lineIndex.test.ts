import assert from "node:assert/strict";
import { test } from "node:test";
import { LineIndex } from "../../server/src/core/lineIndex";

test("offsets ↔ positions with LF, CRLF, CR and astral characters", () => {
  const text = "一行目\r\n二行目𠮷x\n\r四行目";
  const li = new LineIndex(text);
  assert.equal(li.lineCount, 4);
  assert.deepEqual(li.positionAt(text.indexOf("二")), { line: 1, character: 0 });
  assert.deepEqual(li.positionAt(text.indexOf("x")), { line: 1, character: 5 }, "𠮷 is two UTF-16 units");
  assert.deepEqual(li.positionAt(text.indexOf("\n")), { line: 0, character: 3 }, "inside CRLF clamps to the line end");
  assert.deepEqual(li.positionAt(text.indexOf("四")), { line: 3, character: 0 });
  for (let o = 0; o <= text.length; o++) {
    const p = li.positionAt(o);
    const back = li.offsetAt(p);
    assert.ok(back === o || (text[o - 1] === "\r" && text[o] === "\n"), `offset ${o}`);
  }
  assert.equal(li.offsetAt({ line: 0, character: 99 }), 3);
  assert.equal(li.offsetAt({ line: 9, character: 0 }), text.length);
});
