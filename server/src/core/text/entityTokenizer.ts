/**
 * The tokenizer of the corpus workers: kuromoji's tokens of each clause, of which only
 * `selectEntityTokens` is kept (what `analyzeText` reads: proper nouns, with names cut into pieces
 * joined again), through a clause memo. Per clause, as `selectEntityTokens` never looks across 、 or
 * 。. One definition for the workers and the benchmarks that must measure what they do.
 */
import type kuromoji from "kuromoji";
import { selectEntityTokens } from "./entities";
import { ClauseMemo, kuromojiTokens, splitClauses, type Token, type Tokenizer } from "./tokenizer";

/** A tokenizer that can also append a text's tokens, their offsets moved by `base`, to a list (one copy each). */
export interface AppendingTokenizer extends Tokenizer {
  tokenizeInto(text: string, base: number, out: Token[]): void;
}

/** `onTokenise` hears the length of each clause actually tokenised (not found in the memo). */
export function entityTokenizer(kuro: kuromoji.Tokenizer<kuromoji.IpadicFeatures>, memo: ClauseMemo<Token[]>, onTokenise?: (chars: number) => void): AppendingTokenizer {
  const tokenizeInto = (text: string, base: number, out: Token[]): void => {
    for (const clause of splitClauses(text)) {
      const list = memo.get(clause.text, () => {
        onTokenise?.(clause.text.length);
        return selectEntityTokens(kuromojiTokens(kuro, clause.text));
      });
      const at = base + clause.start;
      // (A literal of the same shape: cheaper than a spread.)
      for (const k of list) out.push({ surface: k.surface, start: k.start + at, pos: k.pos, pos1: k.pos1, pos2: k.pos2, pos3: k.pos3, basic: k.basic, reading: k.reading });
    }
  };
  return {
    entityTokensOnly: true,
    tokenize(text: string): Token[] {
      const out: Token[] = [];
      tokenizeInto(text, 0, out);
      return out;
    },
    tokenizeInto,
  };
}
