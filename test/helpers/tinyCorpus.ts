/**
 * A small corpus written to a temporary folder from a map of files (text or bytes), built as the
 * CLI builds it (no cache), with a `check` over it: for tests of one kind of input at a time.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { checkDraft } from "../../server/src/core/check/checkDraft";
import type { Finding } from "../../server/src/core/check/finding";
import { buildCorpus, type BuildCorpusResult } from "../../server/src/core/ingest/buildCorpus";
import { CorpusIndex } from "../../server/src/core/index/corpusIndex";
import { loadTokenizer, type Tokenizer } from "../../server/src/core/text/tokenizer";

let tokenizer: Promise<Tokenizer> | undefined;

export interface TinyCorpus {
  dir: string;
  built: BuildCorpusResult;
  index: CorpusIndex;
  tokenizer: Tokenizer;
  check(draft: string): Finding[];
  /** `code:covered text` of each finding, in order. */
  codes(draft: string): string[];
}

/** Writes `files` (paths relative to the corpus folder) under a new temporary project's `corpus/`. */
export function writeProject(files: Record<string, string | Uint8Array>, extra: Record<string, string | Uint8Array> = {}): { root: string; corpus: string } {
  const root = mkdtempSync(join(tmpdir(), "shutten-tiny-"));
  const corpus = join(root, "corpus");
  mkdirSync(corpus);
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(dirname(join(corpus, rel)), { recursive: true });
    writeFileSync(join(corpus, rel), content);
  }
  for (const [rel, content] of Object.entries(extra)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), content);
  }
  return { root, corpus };
}

export async function tinyCorpus(files: Record<string, string | Uint8Array>): Promise<TinyCorpus> {
  const { corpus } = writeProject(files);
  const t = await (tokenizer ??= loadTokenizer());
  const built = await buildCorpus({ corpusDir: corpus, tokenizer: t, cache: null });
  const index = new CorpusIndex(built.sources, built.problems);
  const check = (draft: string) => checkDraft(draft, { index, tokenizer: t, aliases: built.aliases });
  return { dir: corpus, built, index, tokenizer: t, check, codes: (draft) => check(draft).map((f) => `${f.code}:${draft.slice(f.span.start, f.span.end)}`) };
}

/** The draft with a quick fix applied, as the editor would. */
export function applyFix(draft: string, fix: { span: { start: number; end: number }; text: string }): string {
  return draft.slice(0, fix.span.start) + fix.text + draft.slice(fix.span.end);
}

/** The press-conference article the replayed cases cite (fictional town, fictional paper). */
export const MINATO = `---
key: minato-2024-05-10
title: 港市長、図書館の無料開放を表明
outlet: 架空日報
published: 2024-05-10
---
港市の山田一郎市長は10日の定例記者会見で、来年4月から市立図書館の利用料を無料にする方針を明らかにした。山田市長は「子どもたちが気軽に本に触れられる街にしたい」と述べた。

市によると、無料化に必要な費用は年間約3億円で、市の一般会計から充てる。図書館の年間利用者は約45万人にのぼる。
`;
