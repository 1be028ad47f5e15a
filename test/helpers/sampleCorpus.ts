/** The sample corpus, loaded once per test process (no cache), with keys found by a phrase each article holds. */
import { resolve } from "node:path";
import { buildCorpus, type BuildCorpusResult } from "../../server/src/core/ingest/buildCorpus";
import { CorpusIndex } from "../../server/src/core/index/corpusIndex";
import { loadTokenizer, type Tokenizer } from "../../server/src/core/text/tokenizer";

export interface SampleCorpus {
  built: BuildCorpusResult;
  index: CorpusIndex;
  tokenizer: Tokenizer;
  /** Key of the sample article holding the phrase. */
  keyOf(phrase: string): string;
}

let loading: Promise<SampleCorpus> | undefined;

export function sampleCorpus(): Promise<SampleCorpus> {
  loading ??= (async () => {
    const tokenizer = await loadTokenizer();
    const built = await buildCorpus({ corpusDir: resolve(__dirname, "../../corpus"), tokenizer, cache: null });
    const index = new CorpusIndex(built.sources, built.problems);
    return {
      built,
      index,
      tokenizer,
      keyOf(phrase: string) {
        const s = built.sources.find((x) => x.text.includes(phrase));
        if (!s) throw new Error(`no sample article holds ${phrase}`);
        return s.meta.key;
      },
    };
  })();
  return loading;
}

/** Keys of the four sample articles, by a phrase only each holds. */
export const SAMPLE_PHRASES = {
  curation: "あらゆる手だてを尽くす",
  call: "米ロ首脳電話会談の詳細",
  nikkei: "ウィットコフ中東担当特使とロシア北西部サンクトペテルブルクで会談した",
  reuters: "公表済みの2回の電話会談以外にも接触した可能性",
} as const;
