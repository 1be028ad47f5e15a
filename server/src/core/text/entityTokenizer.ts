/**
 * The tokenizer of the corpus workers: kuromoji's tokens of each clause, of which only
 * `selectEntityTokens` is kept (what `analyzeText` reads: proper nouns, with names cut into pieces
 * joined again), through a clause memo. Per clause, as `selectEntityTokens` never looks across 、 or
 * 。. One definition for the workers and the benchmarks that must measure what they do.
 */
import type kuromoji from "kuromoji";
import { selectEntityTokens } from "./entities";
import { ClauseMemo, kuromojiTokens, splitClauses, type Token, type Tokenizer } from "./tokenizer";

/** `onTokenise` hears the length of each clause actually tokenised (not found in the memo). */
export function entityTokenizer(kuro: kuromoji.Tokenizer<kuromoji.IpadicFeatures>, memo: ClauseMemo<Token[]>, onTokenise?: (chars: number) => void): Tokenizer {
  return {
    entityTokensOnly: true,
    tokenize(text: string): Token[] {
      const out: Token[] = [];
      for (const clause of splitClauses(text)) {
        const list = memo.get(clause.text, () => {
          onTokenise?.(clause.text.length);
          return selectEntityTokens(kuromojiTokens(kuro, clause.text));
        });
        for (const k of list) out.push({ ...k, start: k.start + clause.start });
      }
      return out;
    },
  };
}
