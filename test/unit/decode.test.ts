import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import fc from "fast-check";
import iconv from "iconv-lite";
import { decodeBytes } from "../../server/src/core/corpus/decode";

const root = join(__dirname, "..", "..");
const sample = (n: string) => readFileSync(join(root, "corpus", n), "utf8");
const variants = join(root, "test", "fixtures", "corpus-variants");
/** What survives a legacy encoding: emoji such as ✅ are not in Shift_JIS/EUC-JP. */
const through = (s: string, enc: string) => iconv.decode(iconv.encode(s, enc), enc);

function check(bytes: Uint8Array, expected: { encoding: string; text?: string } | { code: string }) {
  const r = decodeBytes(bytes);
  if ("code" in expected) {
    assert.equal(r.ok, false, `expected a rejection, got ${r.ok && r.encoding}`);
    if (!r.ok) assert.equal(r.code, expected.code, r.reason);
    return;
  }
  assert.ok(r.ok, !r.ok ? r.reason : "");
  if (!r.ok) return;
  assert.equal(r.encoding, expected.encoding);
  if (expected.text !== undefined) assert.equal(r.text, expected.text);
}

test("fixtures: each re-encoded sample decodes to the original text", () => {
  const f = (n: string) => readFileSync(join(variants, "good", n));
  check(f("000_shift_jis.txt"), { encoding: "shift_jis", text: through(sample("000_18e08435f6f2fa29.txt"), "cp932") });
  check(f("001_euc_jp.txt"), { encoding: "euc-jp", text: through(sample("001_ab86abc2cc8096fe.txt"), "euc-jp") });
  check(f("002_utf16le_bom.txt"), { encoding: "utf-16le", text: sample("002_a7bcb88a404c413b.txt") });
  check(f("003_utf8_bom.txt"), { encoding: "utf-8", text: sample("003_da387fb42327dcfe.txt") });
});

test("every sample article in every supported encoding", () => {
  for (const name of ["000_18e08435f6f2fa29.txt", "001_ab86abc2cc8096fe.txt", "002_a7bcb88a404c413b.txt", "003_da387fb42327dcfe.txt"]) {
    const text = sample(name);
    check(Buffer.from(text), { encoding: "utf-8", text });
    check(Buffer.concat([Buffer.from([0xfe, 0xff]), iconv.encode(text, "utf-16be")]), { encoding: "utf-16be", text });
    check(iconv.encode(text, "cp932"), { encoding: "shift_jis", text: through(text, "cp932") });
    check(iconv.encode(text, "euc-jp"), { encoding: "euc-jp", text: through(text, "euc-jp") });
  }
});

test("short Japanese strings: Shift_JIS and EUC-JP are told apart", () => {
  check(iconv.encode("停戦交渉は「検討が必要」と述べた。", "cp932"), { encoding: "shift_jis", text: "停戦交渉は「検討が必要」と述べた。" });
  check(iconv.encode("停戦交渉は「検討が必要」と述べた。", "euc-jp"), { encoding: "euc-jp", text: "停戦交渉は「検討が必要」と述べた。" });
  check(iconv.encode("ウィットコフ特使", "euc-jp"), { encoding: "euc-jp", text: "ウィットコフ特使" });
});

test("bad inputs are rejected with a reason", () => {
  const f = (n: string) => readFileSync(join(variants, "bad", n));
  check(f("binary.txt"), { code: "binary" });
  check(f("control-chars.txt"), { code: "binary" });
  check(f("invalid-utf8.txt"), { code: "invalid-utf8" });
  check(f("latin1.txt"), { code: "unknown-encoding" });
  check(Buffer.from([0xef, 0xbb, 0xbf, 0xe3, 0x81]), { code: "invalid-utf8" });
  check(Buffer.from([0xff, 0xfe, 0x41]), { code: "invalid-utf16" });
  check(Buffer.from("%PDF-1.7\n"), { code: "binary" });
  const r = decodeBytes(f("invalid-utf8.txt"));
  assert.ok(!r.ok && /byte 200 \(line \d+\)/.test(r.reason), !r.ok ? r.reason : "");
});

test("a short EUC-JP text whose bytes happen to form UTF-8 sequences is still read as EUC-JP", () => {
  // `ヨあ` in EUC-JP is A5 E8 A4 A2: E8 A4 A2 is a well-formed UTF-8 sequence by chance.
  check(iconv.encode("ニヨあミ交あむあ", "euc-jp"), { encoding: "euc-jp", text: "ニヨあミ交あむあ" });
});

test("empty input decodes to empty text", () => {
  check(new Uint8Array(0), { encoding: "utf-8", text: "" });
});

// Property: any text the encoding can represent round-trips exactly.
const japanese = fc.string({
  unit: fc.constantFrom(..."あいうえおかがきくけこさしすせそたちつてとなにぬねのはばぱまみむめもやゆよらりるれろわをんアイウエオカキクケコサシスセソタチツテトナニヌネノハマミムメモヤユヨラリルレロワヲンー大統領停戦交渉会談合意日本首相氏「」『』、。！？　０１２３ＡＢ 0123abcXYZ\n".split("")),
  minLength: 1,
  maxLength: 200,
});

test("property: UTF-8 (with and without BOM) and UTF-16 round-trip", () => {
  fc.assert(
    fc.property(japanese, (s) => {
      check(Buffer.from(s), { encoding: "utf-8", text: s });
      check(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(s)]), { encoding: "utf-8", text: s });
      check(Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(s, "utf-16le")]), { encoding: "utf-16le", text: s });
    }),
  );
});

test("property: Shift_JIS and EUC-JP decode to the same text, never mangled", () => {
  fc.assert(
    fc.property(japanese.filter((s) => /[ぁ-ん]/.test(s) && (s.match(/[^\x00-\x7f]/g)?.length ?? 0) >= 8), (s) => {
      for (const enc of ["cp932", "euc-jp"]) {
        const r = decodeBytes(iconv.encode(s, enc));
        // Either the exact text, or a rejection: never a wrong decoding.
        if (r.ok) assert.equal(r.text, s, `${enc}: decoded as ${r.encoding}`);
        else assert.fail(`${enc}: ${r.reason}`);
      }
    }),
    { numRuns: 200 },
  );
});

test("half-width katakana in Shift_JIS starting with ､｡ is not read as EUC-JP's ぁ (a small kana never starts a word)", () => {
  const text = "､｡ｻｰﾋﾞｽ｣";
  const r = decodeBytes(iconv.encode(text, "cp932"));
  assert.ok(r.ok);
  assert.equal(r.encoding, "shift_jis");
  assert.equal(r.text, text);
});
