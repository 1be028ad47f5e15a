import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { classifyLines, cleanBoilerplate, warmUpPages, type LineVerdict } from "../../server/src/core/corpus/boilerplate";

const root = join(__dirname, "..", "..");
const sample = (n: string) => readFileSync(join(root, "corpus", n), "utf8");

/** Lines (1-based) of `text` that are inside the kept body. */
function keptLines(text: string): Set<number> {
  const body = cleanBoilerplate(text);
  const kept = new Set<number>();
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === "\n") starts.push(i + 1);
  starts.forEach((s, i) => {
    const e = i + 1 < starts.length ? starts[i + 1] - 1 : text.length;
    if (e > s && text.slice(s, e).trim() !== "" && body.some((b) => b.start < e && s < b.end)) kept.add(i + 1);
  });
  return kept;
}

/** Every line holding one of `keep` survives; no line holding one of `drop` does. */
function check(file: string, keep: string[], drop: string[]) {
  const text = sample(file);
  const kept = keptLines(text);
  const lines = text.split("\n");
  const linesOf = (needle: string) => lines.flatMap((l, i) => (l.includes(needle) ? [i + 1] : []));
  for (const k of keep) {
    const at = linesOf(k);
    assert.ok(at.length > 0, `fixture text not found: ${k}`);
    for (const n of at) assert.ok(kept.has(n), `${file}:${n} should survive: ${k}`);
  }
  for (const d of drop) {
    const at = linesOf(d);
    assert.ok(at.length > 0, `fixture text not found: ${d}`);
    for (const n of at) assert.ok(!kept.has(n), `${file}:${n} should be dropped: ${lines[n - 1]}`);
  }
  // Spans are exact slices of the original text.
  for (const b of cleanBoilerplate(text)) assert.equal(text.slice(b.start, b.end).trim(), text.slice(b.start, b.end));
}

test("000 (curation blog): chrome and read-more lines go, the body and its chatter stay", () => {
  check(
    "000_18e08435f6f2fa29.txt",
    [
      "ウクライナとロシアの交渉、停戦への道は?",
      "2022年、プーチン大統領の核警備命令から",
      "「あらゆる手だてを尽くす」と表明しました",
      "✅ ロシアのプーチン大統領と米国のウィトコフ中東担当特使が",
      "うーん、なんか難しそうだけど",
      "トランプはんが出てきたか!",
      "💡 国際社会の協力と",
    ],
    ["Logo Menu opener", "さらに読む ⇒", "出典/画像元:", "公開日:2025/04/12"],
  );
});

test("001 (curation blog): chrome and read-more lines go, the body stays", () => {
  check(
    "001_ab86abc2cc8096fe.txt",
    [
      "トランプ前大統領とプーチン大統領の電話会談、ウクライナ停戦への道は?",
      "プーチン大統領は、ゼレンスキー大統領からの提案を「検討が必要」と発言しました。",
      "ペスコフ報道官によると",
      "💡 停戦交渉開始、米露専門家グループ設置で合意。",
    ],
    ["Find Go Logo Menu opener", "さらに読む ⇒", "https://jp.reuters.com", "公開日:2025/05/20"],
  );
});

test("002 (news site): share, print, follow, paywall and newsletter blocks go", () => {
  check(
    "002_a7bcb88a404c413b.txt",
    [
      "プーチン氏、米特使と会談 米高官「交渉停滞いら立ち」",
      "ロシアのプーチン大統領は11日、米国のウィットコフ中東担当特使と",
      "「トランプ大統領は両当事者にいつもいら立っている」",
      "ロシア側は交渉を急がず、両国の外交関係の正常化を進めた後に",
    ],
    [
      "記事を印刷する", "メールで送る", "リンクをコピーする", "X(旧Twitter)", "Facebook", "はてなブックマーク", "LinkedIn", "Bluesky",
      "こちらもおすすめ", "フォローする", "有料会員の方のみ", "春割で無料体験するログイン", "記事を保存する", "Think! の投稿を読む",
      "図表を保存する", "エラー", "操作を実行できませんでした", "権限不足のため", "ニュース5本", "ニュースレター", "メールアドレス", "関連記事:",
    ],
  );
});

test("003 (news site): ranking sidebar, magazine promotion and footer go", () => {
  check(
    "003_da387fb42327dcfe.txt",
    [
      "プーチン大統領とトランプ大統領...公表済みの2回の電話会談以外にも接触した可能性",
      "3月23日、ロシア大統領府のペスコフ報道官は",
      "2月12日と3月18日の2回が公表されている",
      "「われわれは把握している対話について公表しているが、それ以外を排除することはできない」",
      "「ロシア側は数日間、(プーチン)大統領の約束を守っている。",
      "24日にサウジで開かれる米ロ協議もそうした一歩になるとした。",
    ],
    [
      "最新記事", "Copyright (C) 2024", "※画像をクリックすると", "アマゾンに飛びます", "2025年4月29日号", "定期購読",
      "特別展「日本、美のるつぼ」", "あわせて読みたい", "豊田織機の非公開化報道", "MAGAZINE", "メールマガジン", "人気ランキング",
      "「円安」", "「ネズミ人間」", "【クイズ】", "トランプ2.0記事まとめ", "ニューズウィーク日本版別冊", "好評発売中", "2025年3月24日(月)08時57分",
    ],
  );
});

test("general signals, not sample lines: a made-up page", () => {
  const text = [
    "ホーム",
    "政治",
    "",
    "首相、訪米へ調整",
    "",
    "政府は10日、首相が来月訪米する方向で調整に入ったと発表した。首脳会談では関税問題を協議する見通しだ。",
    "",
    "・ツイート",
    "・シェア",
    "・LINE",
    "",
    "アクセスランキング",
    "1位",
    "某社が新製品",
    "2位",
    "天気は晴れ",
    "3位",
    "話題の店",
    "",
    "(c) 2025 Example Shimbun. All rights reserved.",
  ].join("\n");
  const verdicts = classifyLines(text).filter((l) => l.verdict !== "blank");
  const kept = verdicts.filter((l) => l.verdict === "body").map((l) => l.text);
  assert.deepEqual(kept, ["首相、訪米へ調整", "政府は10日、首相が来月訪米する方向で調整に入ったと発表した。首脳会談では関税問題を協議する見通しだ。"]);
});

test("a news sentence about a newsletter is not a prompt", () => {
  const text = "朝日新聞社は10日、有料会員が300万人を超えたと発表した。デジタル版の伸びが寄与したという説明だった。";
  assert.deepEqual(cleanBoilerplate(text), [{ start: 0, end: text.length }]);
});

test("CRLF text: offsets stay exact", () => {
  const text = "記事を印刷する\r\n\r\n本文の一行目である。これは記事の本文として残るべき十分な長さの文章だ。\r\n\r\nメールで送る\r\n";
  const body = cleanBoilerplate(text);
  assert.equal(body.length, 1);
  assert.equal(text.slice(body[0].start, body[0].end), "本文の一行目である。これは記事の本文として残るべき十分な長さの文章だ。");
});

test("the warm-up pages take every verdict (so the optimiser sees every rule apply before compiling)", () => {
  const all: LineVerdict[] = ["body", "blank", "ui", "prompt", "footer", "section", "ranking", "block", "dateline", "aggregator", "navigation", "stranded", "tail", "related", "unrelated"];
  const seen = new Set(warmUpPages().flatMap((page) => classifyLines(page).map((l) => l.verdict)));
  assert.deepEqual(all.filter((v) => !seen.has(v)), []);
});
