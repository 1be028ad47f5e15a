/**
 * An analysis worker (worker_threads): loads kuromoji's dictionary once, then runs `analyzeText`
 * over batches of sources (cache misses of `buildCorpus`), tokenising clause by clause through a
 * memo (see `splitClauses`), so repeated passages are tokenised once per worker. Bundled as
 * dist/tokenizerWorker.js; driven by `TokenizerPool`.
 */
import { parentPort, workerData } from "node:worker_threads";
import type { PartialDate, Span } from "../model";
import { analyzeText } from "./analyze";
import { AliasTable } from "./entities";
import { buildKuromoji, ClauseMemo, kuromojiTokens, splitClauses, type Token, type Tokenizer } from "./tokenizer";

export interface AnalysisJob {
  text: string;
  body: Span[];
  published: PartialDate | null;
  aliasYaml?: string;
}

interface Request {
  id: number;
  jobs: AnalysisJob[];
}

const ready = buildKuromoji((workerData as { dicPath?: string } | undefined)?.dicPath);
const memo = new ClauseMemo<Token[]>(200_000);
let tokenizedChars = 0;

function memoTokenizer(t: Awaited<typeof ready>): Tokenizer {
  return {
    tokenize(text: string): Token[] {
      const out: Token[] = [];
      for (const clause of splitClauses(text)) {
        const list = memo.get(clause.text, () => {
          tokenizedChars += clause.text.length;
          return kuromojiTokens(t, clause.text);
        });
        for (const k of list) out.push({ ...k, start: k.start + clause.start });
      }
      return out;
    },
  };
}

parentPort!.on("message", async (req: Request) => {
  try {
    const tokenizer = memoTokenizer(await ready);
    const analyses = req.jobs.map((job) => {
      try {
        const aliases = job.aliasYaml ? AliasTable.fromYaml(job.aliasYaml) : new AliasTable();
        return { ok: analyzeText(job.text, job.body, { published: job.published, tokenizer, aliases }) };
      } catch (e) {
        return { error: (e as Error).message };
      }
    });
    parentPort!.postMessage({ id: req.id, analyses, tokenizedChars });
  } catch (e) {
    parentPort!.postMessage({ id: req.id, error: (e as Error).message });
  }
});
