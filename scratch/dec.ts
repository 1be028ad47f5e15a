import iconv from "iconv-lite";
import { decodeBytes } from "/work/main/server/src/core/corpus/decode";
for (const t of ["､｡ｻｰﾋﾞｽ｣", "ｽﾏｰﾄﾌｫﾝ｡ｻｰﾋﾞｽ", "｢ｱﾌﾟﾘ｣｡ﾒｰﾙ､"]) { const r: any = decodeBytes(iconv.encode(t, "cp932")); console.log(t, r.encoding, r.text); }
