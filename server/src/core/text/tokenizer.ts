/**
 * A thin wrapper over kuromoji: plain tokens with UTF-16 offsets, one dictionary load per process.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import kuromoji from "kuromoji";

/** One morpheme. `start` is the UTF-16 offset of `surface` in the text given to `tokenize`. */
export interface Token {
  surface: string;
  start: number;
  pos: string;
  pos1: string;
  pos2: string;
  pos3: string;
  /** Dictionary (base) form; the surface when kuromoji does not know the word. */
  basic: string;
  /** Katakana reading, `""` when unknown. */
  reading: string;
}

export interface Tokenizer {
  tokenize(text: string): Token[];
}

/**
 * Where kuromoji's `*.dat.gz` files are: beside the bundle (`dist/dict`, copied there by esbuild.mjs),
 * else in node_modules when running from sources (tests through tsx).
 */
export function dictionaryPath(): string {
  const candidates: string[] = [path.join(__dirname, "dict")];
  try {
    candidates.push(path.join(path.dirname(require.resolve("kuromoji/package.json")), "dict"));
  } catch {
    // not resolvable from here (bundled without node_modules): rely on the first candidate
  }
  // Walk up from this file to find a node_modules/kuromoji/dict (sources layout).
  let dir = __dirname;
  for (let i = 0; i < 8; i++) {
    candidates.push(path.join(dir, "node_modules", "kuromoji", "dict"));
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  for (const c of candidates) {
    if (fs.existsSync(path.join(c, "base.dat.gz"))) return c;
  }
  return candidates[0];
}

const cache = new Map<string, Promise<Tokenizer>>();

/**
 * Loads kuromoji's dictionary (about 0.8 s) once per process and directory.
 * kuromoji joins its file names onto `dicPath` with `path.join`, so an absolute path works as is.
 */
export function loadTokenizer(dicPath: string = dictionaryPath()): Promise<Tokenizer> {
  const key = path.resolve(dicPath);
  let pending = cache.get(key);
  if (!pending) {
    pending = new Promise<Tokenizer>((resolve, reject) => {
      kuromoji.builder({ dicPath: key }).build((err, t) => {
        if (err || !t) {
          cache.delete(key);
          reject(err ?? new Error(`kuromoji: cannot load dictionary from ${key}`));
          return;
        }
        resolve(wrap(t));
      });
    });
    cache.set(key, pending);
  }
  return pending;
}

/**
 * kuromoji analyses each piece of a text ending in 、 or 。 on its own (`splitByPunctuation`), so
 * tokenising clause by clause gives exactly its tokens; a clause seen before is not tokenised again.
 * That makes re-analysing an edited draft cost only its changed clauses, and repeated passages of a
 * corpus (syndicated wire copy, boilerplate phrases) cost nothing the second time.
 */
export function splitClauses(text: string): { text: string; start: number }[] {
  const out: { text: string; start: number }[] = [];
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x3001 || c === 0x3002) {
      out.push({ text: text.slice(start, i + 1), start });
      start = i + 1;
    }
  }
  if (start < text.length) out.push({ text: text.slice(start), start });
  return out;
}

/** A bounded memo: dropped wholesale when full (clauses are short; refilling is cheap). */
export class ClauseMemo<T> {
  private map = new Map<string, T>();
  hits = 0;
  misses = 0;
  constructor(private readonly limit = 100_000) {}
  get(key: string, compute: () => T): T {
    let v = this.map.get(key);
    if (v !== undefined) {
      this.hits++;
      return v;
    }
    this.misses++;
    v = compute();
    if (this.map.size >= this.limit) this.map.clear();
    this.map.set(key, v);
    return v;
  }
}

function toTokens(t: kuromoji.Tokenizer<kuromoji.IpadicFeatures>, text: string): Token[] {
  return t.tokenize(text).map((k) => ({
    surface: k.surface_form,
    start: k.word_position - 1,
    pos: k.pos,
    pos1: k.pos_detail_1,
    pos2: k.pos_detail_2,
    pos3: k.pos_detail_3,
    basic: k.basic_form === "*" ? k.surface_form : k.basic_form,
    reading: k.reading ?? "",
  }));
}

function wrap(t: kuromoji.Tokenizer<kuromoji.IpadicFeatures>): Tokenizer {
  const memo = new ClauseMemo<Token[]>(50_000);
  return {
    tokenize(text: string): Token[] {
      if (text.length === 0) return [];
      const out: Token[] = [];
      for (const clause of splitClauses(text)) {
        for (const k of memo.get(clause.text, () => toTokens(t, clause.text))) out.push({ ...k, start: k.start + clause.start });
      }
      return out;
    },
  };
}

/** Builds kuromoji itself (used by the tokenising worker). */
export function buildKuromoji(dicPath: string = dictionaryPath()): Promise<kuromoji.Tokenizer<kuromoji.IpadicFeatures>> {
  return new Promise((resolve, reject) => {
    kuromoji.builder({ dicPath: path.resolve(dicPath) }).build((err, t) => (err || !t ? reject(err ?? new Error("kuromoji: cannot load dictionary")) : resolve(t)));
  });
}

export { toTokens as kuromojiTokens };

