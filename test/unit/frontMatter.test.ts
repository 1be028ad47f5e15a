import assert from "node:assert/strict";
import { test } from "node:test";
import { parseFrontMatter, readYamlText, simpleMapping } from "../../server/src/core/corpus/frontMatter";

/** What the YAML library makes of a block, every scalar as typed (the reference `simpleMapping` must equal when it answers). */
const library = (yaml: string) => readYamlText(yaml).value;

test("simpleMapping reads plain key: value blocks as the YAML library does", () => {
  const blocks = [
    "key: gen-00000\ntitle: \"米露首脳会談、停戦合意?\"\noutlet: 関西経済新聞\npublished: 2025-06-01\n",
    "title: 停戦交渉, 続く [速報]\nurl: https://www.tokyo-np.co.jp/article/393118\npublished: 2025-03-24T08:57:00+09:00\n",
    "title:   spaced value\n",
    "title: \"  kept spaces  \"\n",
    "a_b-c: 1_000\n",
    "title: yes\n",
    // Text by nature: YAML's implicit numbers and booleans stay as typed.
    "n: 12\n", "n: 1e3\n", "n: .5\n", "n: 0x1F\n", "n: +12\n", "n: 1.\n", "n: .inf\n", "v: true\n", "v: False\n", "key: 001\n", "key: 2024.10\n",
  ];
  for (const b of blocks) {
    const fast = simpleMapping(b);
    assert.ok(fast, b);
    assert.deepEqual(fast, library(b), b);
  }
});

test("simpleMapping defers to the library whenever the reading could differ", () => {
  const deferred = [
    "v: null\n", "v: ~\n",
    "v: -\n", "v: - a\n", "v: 'x'\n", "v: \"a\\\"b\"\n", "v: \"a\" b\n", "v: &x a\n", "v: *x\n", "v: !tag a\n", "v: |\n", "v: >\n", "v: [a]\n", "v: {a: 1}\n",
    "v: a #comment\n", "v: a: b\n", "v: a:\n", "v: trailing \n", "v:\n", "v: \ta\n",
    "a: x\na: y\n", "__proto__: x\n", "# comment\na: x\n", "a: x\n\nb: y\n", "a: x\r\nb: y\r\n", "  a: x\n", "a: x\n  b: y\n", "1: x\n", "",
  ];
  for (const b of deferred) assert.equal(simpleMapping(b), null, JSON.stringify(b));
});

test("front matter through the fast path and through the library give the same result", () => {
  const text = "---\ntitle: \"見出し\"\npublished: 2025-04-12\n---\n本文。\n";
  const fm = parseFrontMatter(text);
  assert.deepEqual(fm.data, { title: "見出し", published: "2025-04-12" });
  assert.equal(text.slice(fm.bodyStart), "本文。\n");
  const slow = parseFrontMatter("---\ntitle: \"見出し\"\npublished: 2025-04-12\n# a comment sends this block to the library\n---\n本文。\n");
  assert.deepEqual(slow.data, fm.data);
});
