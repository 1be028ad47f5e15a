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
/** The tokenizers of `cache` that have finished loading (by the same key). */
const settled = new Map<string, Tokenizer>();

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
        const w = settled.get(key) ?? wrap(t);
        settled.set(key, w);
        resolve(w);
      });
    });
    cache.set(key, pending);
  }
  return pending;
}

/**
 * `loadTokenizer`, synchronously: kuromoji's own loading steps (the same files, the same
 * `DynamicDictionaries` setters) with blocking reads and gunzip. Returns the loaded tokenizer at
 * once when one is already settled for this directory.
 */
export function loadTokenizerSync(dicPath: string = dictionaryPath()): Tokenizer {
  const key = path.resolve(dicPath);
  const done = settled.get(key);
  if (done) return done;
  /* eslint-disable @typescript-eslint/no-require-imports */
  const zlib: typeof import("node:zlib") = require("node:zlib");
  const DynamicDictionaries: new () => {
    loadTrie(base: Int32Array, check: Int32Array): void;
    loadTokenInfoDictionaries(a: Uint8Array, b: Uint8Array, c: Uint8Array): void;
    loadConnectionCosts(cc: Int16Array): void;
    loadUnknownDictionaries(a: Uint8Array, b: Uint8Array, c: Uint8Array, d: Uint8Array, e: Uint32Array, f: Uint8Array): void;
  } = require("kuromoji/src/dict/DynamicDictionaries");
  const KuromojiTokenizer: new (dic: object) => kuromoji.Tokenizer<kuromoji.IpadicFeatures> = require("kuromoji/src/Tokenizer");
  /* eslint-enable @typescript-eslint/no-require-imports */
  // As NodeDictionaryLoader: the gunzipped bytes copied into a fresh ArrayBuffer.
  const buf = (name: string): ArrayBuffer => new Uint8Array(zlib.gunzipSync(fs.readFileSync(path.join(key, name)))).buffer;
  const dic = new DynamicDictionaries();
  dic.loadTrie(new Int32Array(buf("base.dat.gz")), new Int32Array(buf("check.dat.gz")));
  dic.loadTokenInfoDictionaries(new Uint8Array(buf("tid.dat.gz")), new Uint8Array(buf("tid_pos.dat.gz")), new Uint8Array(buf("tid_map.dat.gz")));
  dic.loadConnectionCosts(new Int16Array(buf("cc.dat.gz")));
  dic.loadUnknownDictionaries(
    new Uint8Array(buf("unk.dat.gz")),
    new Uint8Array(buf("unk_pos.dat.gz")),
    new Uint8Array(buf("unk_map.dat.gz")),
    new Uint8Array(buf("unk_char.dat.gz")),
    new Uint32Array(buf("unk_compat.dat.gz")),
    new Uint8Array(buf("unk_invoke.dat.gz")),
  );
  const w = wrap(new KuromojiTokenizer(dic));
  settled.set(key, w);
  cache.set(key, Promise.resolve(w));
  return w;
}

/**
 * A tokenizer to hand out before its dictionary is loaded: `start()` begins the ordinary
 * (asynchronous) load; a `tokenize` call that comes first loads the dictionary synchronously, once.
 * Used after a cold index build, so the build's two worker dictionaries do not compete with this
 * thread's (see corpusHost.ts).
 */
export function deferredTokenizer(dicPath: string = dictionaryPath()): { tokenizer: Tokenizer; start(): Promise<Tokenizer> } {
  let loaded: Tokenizer | undefined;
  return {
    tokenizer: {
      tokenize(text: string): Token[] {
        return (loaded ??= loadTokenizerSync(dicPath)).tokenize(text);
      },
    },
    start() {
      const p = loadTokenizer(dicPath);
      p.then((t) => (loaded ??= t), () => undefined);
      return p;
    },
  };
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

/* eslint-disable @typescript-eslint/no-require-imports */
// kuromoji's own lattice classes, so the lattice built below is searched by its own searcher.
const ViterbiLattice: new () => KLattice = require("kuromoji/src/viterbi/ViterbiLattice");
const ViterbiNode: new (name: number, cost: number, startPos: number, length: number, type: string, leftId: number, rightId: number, surface: string) => object = require("kuromoji/src/viterbi/ViterbiNode");
/* eslint-enable @typescript-eslint/no-require-imports */

interface KLattice {
  append(node: object): void;
  appendEos(): void;
}
interface KCharClass {
  class_id: number;
  class_name: string;
  is_always_invoke: number;
  is_grouping: number;
}
interface KDictionary {
  target_map: Record<number, number[]>;
  dictionary: { getShort(i: number): number };
  getFeatures(id: number | string): string | null;
}
/** The parts of a built kuromoji tokenizer that `latticeTokens` reads. */
interface KTokenizer {
  token_info_dictionary: KDictionary;
  unknown_dictionary: KDictionary & { lookup(ch: string): KCharClass };
  viterbi_builder: { trie: { bc: { getBaseBuffer(): ArrayLike<number>; getCheckBuffer(): ArrayLike<number> } } };
  viterbi_searcher: { search(lattice: KLattice): Array<{ name: number; start_pos: number; type: string; surface_form: string }> };
}

const SURROGATE = /[\uD800-\uDFFF]/;
const utf8 = new TextEncoder();

/** A dictionary's `target_map` packed into two typed arrays (`ids` of key k: `ids[start[k]..start[k+1]]`). */
interface PackedTargetMap {
  start: Int32Array;
  ids: Int32Array;
  present: Uint8Array;
}
const packedMaps = new WeakMap<object, PackedTargetMap>();

/**
 * Replaces kuromoji's `target_map` (an object holding about 325,000 small arrays for IPADIC: some
 * 65 MB of heap per loaded dictionary) by two typed arrays, and gives kuromoji's own lattice builder
 * (still used for texts with surrogates and as the reference) a view of them with the same entries in
 * the same order. Done once per dictionary.
 */
function packTargetMap(d: KDictionary): PackedTargetMap {
  const done = packedMaps.get(d);
  if (done) return done;
  const map = d.target_map;
  let maxKey = -1;
  let total = 0;
  for (const k in map) {
    const n = Number(k);
    if (n > maxKey) maxKey = n;
    total += map[n].length;
  }
  const start = new Int32Array(maxKey + 2);
  const ids = new Int32Array(total);
  const present = new Uint8Array(maxKey + 1);
  let at = 0;
  for (let k = 0; k <= maxKey; k++) {
    start[k] = at;
    const list = map[k];
    if (list === undefined) continue;
    present[k] = 1;
    for (let i = 0; i < list.length; i++) ids[at++] = Number(list[i]);
  }
  start[maxKey + 1] = at;
  const packed = { start, ids, present };
  packedMaps.set(d, packed);
  d.target_map = new Proxy({} as Record<number, number[]>, {
    get(_, p) {
      const k = typeof p === "string" ? Number(p) : NaN;
      return k >= 0 && k <= maxKey && present[k] === 1 ? (ids.subarray(start[k], start[k + 1]) as unknown as number[]) : undefined;
    },
  });
  return packed;
}

/**
 * kuromoji's `tokenize` of one piece (a text with no 、/。 except at its end), with the same lattice
 * built without its per-position costs: kuromoji re-encodes the whole rest of the text to UTF-8 for
 * every position (quadratic), re-scans it for surrogates and re-classifies grouped unknown words
 * char by char. Here the text is encoded once, the trie is walked from each position, and unknown
 * word runs are found once. Nodes are appended in kuromoji's order (known words by length, then
 * unknown words) and searched by kuromoji's own searcher, so the best path — ties included — is the
 * same. Texts with surrogates go through kuromoji itself (its positions count code points there).
 */
function latticeTokens(t: kuromoji.Tokenizer<kuromoji.IpadicFeatures>): ((text: string) => Token[]) | null {
  const k = t as unknown as KTokenizer;
  const bc = k.viterbi_builder?.trie?.bc;
  if (!bc || typeof bc.getBaseBuffer !== "function" || !k.viterbi_searcher || !k.unknown_dictionary || !k.token_info_dictionary) return null;
  const base = bc.getBaseBuffer();
  const check = bc.getCheckBuffer();
  const known = k.token_info_dictionary;
  const unknown = k.unknown_dictionary;
  const { start: tmStart, ids: tmIds, present: tmPresent } = packTargetMap(known);
  const classOf = new Map<number, KCharClass>();
  const charClass = (code: number): KCharClass => {
    let c = classOf.get(code);
    if (!c) classOf.set(code, (c = unknown.lookup(String.fromCharCode(code))));
    return c;
  };
  // Features of each entry, split once (kuromoji decodes and splits them for every token).
  const featuresOf = new Map<number, string[]>();
  const unknownFeaturesOf = new Map<number, string[]>();
  const features = (d: KDictionary, id: number, cache: Map<number, string[]>): string[] => {
    let f = cache.get(id);
    if (!f) {
      const line = d.getFeatures(id);
      cache.set(id, (f = line == null ? [] : line.split(",")));
    }
    return f;
  };
  const kd = known.dictionary;
  const ud = unknown.dictionary;

  return (text: string): Token[] => {
    if (SURROGATE.test(text)) return toTokensOf(t.tokenize(text));
    const n = text.length;
    const bytes = utf8.encode(text);
    // Byte offset of each char (no surrogates: one UTF-16 unit per char), and the char at a byte end.
    const byteAt = new Int32Array(n + 1);
    const charAtByte = new Int32Array(bytes.length + 1).fill(-1);
    for (let i = 0, b = 0; i <= n; i++) {
      byteAt[i] = b;
      charAtByte[b] = i;
      if (i < n) {
        const c = text.charCodeAt(i);
        b += c < 0x80 ? 1 : c < 0x800 ? 2 : 3;
      }
    }
    const classes: KCharClass[] = new Array(n);
    for (let i = 0; i < n; i++) classes[i] = charClass(text.charCodeAt(i));
    // End of the run of chars with the same class name as char i.
    const runEnd = new Int32Array(n);
    for (let i = n - 1; i >= 0; i--) runEnd[i] = i + 1 < n && classes[i + 1].class_name === classes[i].class_name ? runEnd[i + 1] : i + 1;

    const lattice = new ViterbiLattice();
    const checkLen = check.length;
    for (let pos = 0; pos < n; pos++) {
      // Known words starting at pos, shortest first (kuromoji's commonPrefixSearch order).
      let parent = 0;
      let found = 0;
      for (let b = byteAt[pos]; b < bytes.length; b++) {
        const child = base[parent] + bytes[b];
        if (!(child >= 0 && child < checkLen && check[child] === parent)) break;
        parent = child;
        const term = base[child];
        if (term >= 0 && term < checkLen && check[term] === child) {
          const v = base[term] <= 0 ? -base[term] - 1 : undefined;
          const end = charAtByte[b + 1];
          const key = end >= 0 ? text.slice(pos, end) : new TextDecoder().decode(bytes.subarray(byteAt[pos], b + 1));
          found++;
          if (!(tmPresent[v as number] === 1)) throw new TypeError(`no dictionary entries for trie id ${v}`);
          for (let i = tmStart[v as number], e = tmStart[(v as number) + 1]; i < e; i++) {
            const id = tmIds[i];
            lattice.append(new ViterbiNode(id, kd.getShort(id + 4), pos + 1, key.length, "KNOWN", kd.getShort(id), kd.getShort(id + 2), key));
          }
        }
      }
      const head = classes[pos];
      if (found === 0 || head.is_always_invoke === 1) {
        const len = head.is_grouping === 1 && 1 < n - pos ? runEnd[pos] - pos : 1;
        const key = text.slice(pos, pos + len);
        const ids = unknown.target_map[head.class_id];
        for (let j = 0; j < ids.length; j++) {
          const id = Number(ids[j]);
          lattice.append(new ViterbiNode(id, ud.getShort(id + 4), pos + 1, len, "UNKNOWN", ud.getShort(id), ud.getShort(id + 2), key));
        }
      }
    }
    lattice.appendEos();
    const path = k.viterbi_searcher.search(lattice);
    const out: Token[] = new Array(path.length);
    for (let j = 0; j < path.length; j++) {
      const node = path[j];
      const f = node.type === "KNOWN" ? features(known, node.name, featuresOf) : features(unknown, node.name, unknownFeaturesOf);
      const surface = node.type === "KNOWN" ? f[0] : node.surface_form;
      out[j] = {
        surface,
        start: node.start_pos - 1,
        pos: f[1],
        pos1: f[2],
        pos2: f[3],
        pos3: f[4],
        basic: f[7] === "*" ? surface : f[7],
        reading: (node.type === "KNOWN" ? f[8] : undefined) ?? "",
      };
    }
    return out;
  };
}

function toTokensOf(list: kuromoji.IpadicFeatures[]): Token[] {
  return list.map((k) => ({
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

const lean = new WeakMap<object, ((text: string) => Token[]) | null>();

/** kuromoji's tokens of one piece (see `splitClauses`), through the lean lattice when it applies. */
function toTokens(t: kuromoji.Tokenizer<kuromoji.IpadicFeatures>, text: string): Token[] {
  let f = lean.get(t);
  if (f === undefined) lean.set(t, (f = process.env.SHUTTEN_KUROMOJI_REFERENCE === "1" ? null : latticeTokens(t)));
  return f ? f(text) : toTokensOf(t.tokenize(text));
}

/** kuromoji's own tokens, never the lean lattice (the reference in tests). */
export function kuromojiReferenceTokens(t: kuromoji.Tokenizer<kuromoji.IpadicFeatures>, text: string): Token[] {
  return toTokensOf(t.tokenize(text));
}

function wrap(t: kuromoji.Tokenizer<kuromoji.IpadicFeatures>): Tokenizer {
  // Enough for a long draft's clauses and the repeats of a corpus; bounded because the server keeps it.
  const memo = new ClauseMemo<Token[]>(16_000);
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

