/**
 * Differential test: our citation scanner against Debian's `pandoc` (`-f markdown`), the reference
 * for Pandoc citation syntax. fast-check generates drafts mixing Japanese and ASCII text, every
 * citation form, locators, prefixes, suppress-author, several items, code spans and code blocks
 * holding citations (ignored by both), e-mail addresses, emphasis and links; all drafts go to one
 * pandoc call (separated by horizontal rules) and each draft's cited keys, in order, with their
 * `citationMode` must be the same as pandoc's.
 *
 * Pandoc's `example_lists` extension is turned off: it turns `@label.` at the start of a line into
 * a list marker and `@label` into a number, which is about example lists, not citations.
 *
 * FC_SEED and FC_RUNS override the seed and the number of drafts.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import fc from "fast-check";
import { parseDraft } from "../../server/src/core/draft/parseDraft";

const PANDOC = process.env.PANDOC ?? "/usr/bin/pandoc";
const hasPandoc = existsSync(PANDOC) || spawnSync("pandoc", ["--version"]).status === 0;
const pandocBin = existsSync(PANDOC) ? PANDOC : "pandoc";

const SEPARATOR = "\n\n* * * * *\n\n";

type Cited = [key: string, mode: string];

// --- generators ------------------------------------------------------------------------------

const jaWord = fc.constantFrom("本文", "ロシア", "述べた", "大統領", "停戦", "交渉", "会談", "１１日", "東京", "ウクライナ", "𠮷野家", "😀");
const asciiWord = fc.constantFrom("see", "also", "foo", "p.", "and", "x1", "Putin", "said", "ok");
const punct = fc.constantFrom("、", "。", "，", ",", "：", "（", "）", "」", "「", "!", "?", ";", ":", "'");
const keyChar = fc.constantFrom("a", "b", "z", "K", "0", "9", "_", "東", "京", "ロ", "シ");
const keyPunct = fc.constantFrom(":", ".", "#", "%", "-", "+", "?", "/", "&", "~");
const simpleKey = fc
  .tuple(
    fc.constantFrom("a", "key", "nikkei", "_x", "1a", "東京", "S003", "ロシア"),
    fc.array(fc.tuple(fc.option(keyPunct, { nil: undefined, freq: 3 }), fc.array(keyChar, { minLength: 1, maxLength: 3 })), { maxLength: 3 }),
    fc.constantFrom("", "", "", ".", "-", ":", "//x"),
  )
  .map(([head, parts, tail]) => head + parts.map(([p, cs]) => (p ?? "") + cs.join("")).join("") + tail);
const braced = fc.constantFrom("{https://x.org/a?b=1}", "{a.b}", "{日経-2025}", "{a{b}c}");
const key = fc.oneof({ weight: 6, arbitrary: simpleKey }, { weight: 1, arbitrary: braced });
const locator = fc.constantFrom("", ", p. 3", ", 第3段落", " p. 12", ", pp. 3-5", ",第2段落", ", chap. 2, emphasis added", " 第5段落");
const prefix = fc.constantFrom("", "", "see ", "参照 ", "cf. ", "*see* ");
const item = fc.tuple(prefix, fc.boolean(), key, locator).map(([p, sup, k, l]) => `${p}${sup ? "-" : ""}@${k}${l}`);
const bracketed = fc.array(item, { minLength: 1, maxLength: 3 }).map((items) => `[${items.join("; ")}]`);
const inText = fc
  .tuple(fc.constantFrom("@", "@", "-@"), key, fc.constantFrom("", "", " [p. 3]", " [第2段落]", "[p. 5]", " [p. 3; @b]"))
  .map(([at, k, loc]) => `${at}${k}${loc}`);
const keyless = fc.constantFrom("[@]", "[@ ]", "[-@]", "[@, p. 3]");
const email = fc.constantFrom("foo@bar.com", "<info@example.jp>", "mail@東京.jp", "a.b@c");
const codeSpan = fc.tuple(fc.constantFrom("`", "``"), fc.oneof(bracketed, inText)).map(([t, c]) => ` ${t}${c}${t} `); // spaced: CommonMark and Pandoc split ```` `a```b`` ```` differently
const emph = fc.tuple(fc.constantFrom("*", "_", "**"), jaWord).map(([m, w]) => ` ${m}${w}${m}`); // spaced before: the flavours pair `*a**b*` differently
const link = jaWord.map((w) => `[${w}](https://example.com/${encodeURIComponent(w)})`);

const glue = fc.constantFrom("", "", " ", " ", "\n", "、", "」", "。");
const inline = fc.oneof(
  { weight: 5, arbitrary: jaWord },
  { weight: 3, arbitrary: asciiWord },
  { weight: 2, arbitrary: punct },
  { weight: 4, arbitrary: bracketed },
  { weight: 4, arbitrary: inText },
  { weight: 1, arbitrary: keyless },
  { weight: 1, arbitrary: email },
  { weight: 1, arbitrary: codeSpan },
  { weight: 1, arbitrary: emph },
  { weight: 1, arbitrary: link },
);
const paragraphText = fc
  .array(fc.tuple(glue, inline), { minLength: 1, maxLength: 12 })
  .map((parts) => parts.map(([g, p]) => g + p).join("").trim())
  // A line must not start like a block (list marker, heading, quote…), where Markdown flavours differ.
  .map((t) => t.replace(/\n(?=[\s\-*+#>0-9`_(\[!?;:'.,、。」「（），：<])/g, "\n本文").replace(/^(?=[\s\-*+#>0-9`_(\[!?;:'.,、。」「（），：<])/, "本文"))
  .filter((t) => t.length > 0);
const block = fc.oneof(
  { weight: 6, arbitrary: paragraphText },
  { weight: 1, arbitrary: paragraphText.map((t) => `## ${t.replaceAll("\n", " ")}`) },
  { weight: 1, arbitrary: paragraphText.map((t) => `> ${t.replaceAll("\n", "\n> ")}`) },
  { weight: 1, arbitrary: paragraphText.map((t) => `- ${t.replaceAll("\n", "\n  ")}`) },
  { weight: 1, arbitrary: fc.oneof(bracketed, inText).map((c) => "```\n本文" + c + "\n```") },
  { weight: 1, arbitrary: fc.oneof(bracketed, inText).map((c) => `<!-- ${c} -->`) },
);
const draftArb = fc.array(block, { minLength: 1, maxLength: 4 }).map((bs) => bs.join("\n\n"));

// --- pandoc ----------------------------------------------------------------------------------

interface PandocNode {
  t?: string;
  c?: unknown;
}

function citesOf(node: unknown, out: Cited[]): void {
  if (Array.isArray(node)) {
    for (const n of node) citesOf(n, out);
    return;
  }
  if (node === null || typeof node !== "object") return;
  const n = node as PandocNode;
  if (n.t === "Cite") {
    const [citations] = n.c as [{ citationId: string; citationMode: { t: string } }[], unknown];
    for (const c of citations) out.push([c.citationId, c.citationMode.t]);
    return; // the rest is pandoc's fallback rendering of the same citation
  }
  citesOf(n.c, out);
}

function pandocCites(drafts: string[]): Cited[][] {
  const r = spawnSync(pandocBin, ["-f", "markdown-example_lists", "-t", "json"], {
    input: drafts.join(SEPARATOR),
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
  });
  assert.equal(r.status, 0, r.stderr);
  const doc = JSON.parse(r.stdout) as { blocks: PandocNode[] };
  const result: Cited[][] = [[]];
  for (const b of doc.blocks) {
    if (b.t === "HorizontalRule") result.push([]);
    else citesOf(b, result[result.length - 1]);
  }
  return result;
}

function ourCites(draft: string): Cited[] {
  return parseDraft(draft).citations.flatMap((c) => c.items.map((i): Cited => [i.key, i.mode ?? "?"]));
}

test("citations agree with pandoc on generated drafts", { skip: hasPandoc ? false : "pandoc not installed (apt-get install pandoc)" }, () => {
  const seed = Number(process.env.FC_SEED ?? 20250412);
  const numRuns = Number(process.env.FC_RUNS ?? 400);
  const drafts = fc.sample(draftArb, { seed, numRuns });
  const theirs = pandocCites(drafts);
  assert.equal(theirs.length, drafts.length, "pandoc output did not split into one part per draft");
  const failures: string[] = [];
  let citations = 0;
  drafts.forEach((d, i) => {
    const ours = ourCites(d);
    citations += theirs[i].length;
    if (JSON.stringify(ours) !== JSON.stringify(theirs[i])) {
      failures.push(`draft ${i}:\n${d}\n  ours:   ${JSON.stringify(ours)}\n  pandoc: ${JSON.stringify(theirs[i])}`);
    }
  });
  assert.ok(citations > drafts.length, `generator too weak: only ${citations} citations`);
  assert.deepEqual(failures.slice(0, 5), [], `seed ${seed}: ${failures.length} of ${drafts.length} drafts differ`);
});
