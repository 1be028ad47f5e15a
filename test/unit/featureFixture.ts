// The sample corpus, loaded once per test process for the editor features' unit tests (no LSP, no
// cache on disk): the index, the tokenizer and the catalogue the features look things up in.
import * as path from "node:path";
import { buildCorpus } from "../../server/src/core/ingest/buildCorpus";
import { catalogFor, type CorpusCatalog } from "../../server/src/core/features/corpusCatalog";
import { CorpusIndex } from "../../server/src/core/index/corpusIndex";
import { loadTokenizer, type Tokenizer } from "../../server/src/core/text/tokenizer";

export interface SampleCorpus {
  index: CorpusIndex;
  tokenizer: Tokenizer;
  catalog: CorpusCatalog;
  corpusDir: string;
}

let pending: Promise<SampleCorpus> | undefined;

export function sampleCorpus(): Promise<SampleCorpus> {
  pending ??= (async () => {
    const corpusDir = path.join(__dirname, "..", "..", "corpus");
    const tokenizer = await loadTokenizer();
    const result = await buildCorpus({ corpusDir, tokenizer, cache: null });
    const index = new CorpusIndex(result.sources, result.problems);
    return { index, tokenizer, catalog: catalogFor(index, tokenizer), corpusDir };
  })();
  return pending;
}

/** A draft with a `|` marking the cursor: the text without it, and the cursor's offset. */
export function cursor(withBar: string): { text: string; offset: number } {
  const offset = withBar.indexOf("|");
  if (offset < 0) throw new Error(`no | cursor in ${withBar}`);
  return { text: withBar.slice(0, offset) + withBar.slice(offset + 1), offset };
}
