/**
 * A tokenising worker (worker_threads): loads kuromoji's dictionary once, then answers batches of
 * sentences with the tokens the corpus analysis reads (`isAnalysisToken`), clause by clause through
 * a memo (see `splitClauses`). Bundled as dist/tokenizerWorker.js; driven by `TokenizerPool`.
 */
import { parentPort, workerData } from "node:worker_threads";
import { buildKuromoji, ClauseMemo, isAnalysisToken, kuromojiTokens, splitClauses, type Token } from "./tokenizer";

interface Request {
  id: number;
  texts: string[];
}

const ready = buildKuromoji((workerData as { dicPath?: string } | undefined)?.dicPath);
const memo = new ClauseMemo<Token[]>(200_000);
let tokenizedChars = 0;

parentPort!.on("message", async (req: Request) => {
  try {
    const t = await ready;
    const tokens = req.texts.map((text) => {
      const out: Token[] = [];
      for (const clause of splitClauses(text)) {
        const list = memo.get(clause.text, () => {
          tokenizedChars += clause.text.length;
          return kuromojiTokens(t, clause.text).filter(isAnalysisToken);
        });
        for (const k of list) out.push({ ...k, start: k.start + clause.start });
      }
      return out;
    });
    parentPort!.postMessage({ id: req.id, tokens, tokenizedChars });
  } catch (e) {
    parentPort!.postMessage({ id: req.id, error: (e as Error).message });
  }
});
