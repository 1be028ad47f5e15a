import fc from "fast-check";
import iconv from "iconv-lite";
import { decodeBytes } from "../server/src/core/corpus/decode";
const half = fc.constantFrom("ｽﾏｰﾄﾌｫﾝ", "ｻｰﾋﾞｽ", "ﾎﾟｲﾝﾄ", "ｱﾌﾟﾘ", "ﾆｭｰｽ", "ｷｬﾝﾍﾟｰﾝ", "ﾀﾞｳﾝﾛｰﾄﾞ", "ﾒｰﾙ", "｢", "｣", "｡", "､");
const full = fc.constantFrom("港市は", "図書館を", "無料にする", "方針を", "明らかにした", "。", "、", "「", "」", "担当者は", "と話した", "大統領", "会談で", "１２月", "予約が", "できる");
let bad = 0;
fc.assert(fc.property(fc.array(fc.oneof(half, full), { minLength: 2, maxLength: 12 }).map((a) => a.join("")).filter((t) => t.length >= 8), (text) => {
  const sjis = decodeBytes(iconv.encode(text, "cp932"));
  if (!sjis.ok || sjis.text !== text) { if (bad++ < 5) console.log("SJIS", text, sjis.ok && sjis.text); }
  if (/[ぁ-ん]/.test(text)) { const euc = decodeBytes(iconv.encode(text, "euc-jp")); if (euc.ok && !/[ｦ-ﾟ]/.test(text) && euc.text !== text) { if (bad++ < 10) console.log("EUC", text, euc.text); } }
  return true;
}), { numRuns: 30000 });
console.log("bad", bad);
