/**
 * Japanese tokens from kuromoji: plain tokens with UTF-16 offsets, one dictionary load per process
 * (dictionary.ts), kuromoji's own lattice search done on typed arrays (`latticeTokens`), checked
 * against kuromoji itself by the tests.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import kuromoji from "kuromoji";
import { kuromojiFromData, latticeArrays, NO_WORD, latticeArraysOf, loadDictionaryData, loadDictionaryDataSync, packedTargetMaps, targetMapView, type DictionaryData, type DictionaryLoadOptions } from "./dictionary";

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
  /**
   * True when `tokenize` already returns only `selectEntityTokens` of each clause (the corpus
   * workers' tokenizer): the analysis then does not select again (selecting twice is not the same
   * as once on real text: it joins organisations out of pieces the first pass had already joined).
   */
  readonly entityTokensOnly?: boolean;
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
 * Loads kuromoji's dictionary once per process and directory, into shared memory
 * (`dictionary.ts`), so the ingestion workers tokenise with the same bytes (`sharedDictionary`).
 */
export function loadTokenizer(dicPath: string = dictionaryPath(), options: DictionaryLoadOptions = {}): Promise<Tokenizer> {
  const key = path.resolve(dicPath);
  let pending = cache.get(key);
  if (!pending) {
    pending = loadDictionaryData(key, options).then((data) => {
      const w = settled.get(key) ?? wrap(kuromojiFromData(data));
      settled.set(key, w);
      return w;
    });
    pending.catch(() => cache.delete(key));
    cache.set(key, pending);
  }
  return pending;
}

/** The dictionary `loadTokenizer` uses, as shared arrays to hand to worker threads. */
export function sharedDictionary(dicPath: string = dictionaryPath(), options: DictionaryLoadOptions = {}): Promise<DictionaryData> {
  return loadDictionaryData(path.resolve(dicPath), options);
}

/**
 * `loadTokenizer`, synchronously (blocking reads and gunzip). Returns the loaded tokenizer at once
 * when one is already settled for this directory.
 */
export function loadTokenizerSync(dicPath: string = dictionaryPath(), options: DictionaryLoadOptions = {}): Tokenizer {
  const key = path.resolve(dicPath);
  const done = settled.get(key);
  if (done) return done;
  const w = wrap(kuromojiFromData(loadDictionaryDataSync(key, options)));
  settled.set(key, w);
  cache.set(key, Promise.resolve(w));
  return w;
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

interface KCharClass {
  class_id: number;
  class_name: string;
  is_always_invoke: number;
  is_grouping: number;
}
interface KDictionary {
  target_map: Record<number, ArrayLike<number>>;
  dictionary: { buffer: Uint8Array; getShort(i: number): number };
  getFeatures(id: number | string): string | null;
}
/** The parts of a built kuromoji tokenizer that `latticeTokens` reads. */
interface KTokenizer {
  token_info_dictionary: KDictionary;
  unknown_dictionary: KDictionary & { lookup(ch: string): KCharClass };
  viterbi_builder: { trie: { bc: { getBaseBuffer(): ArrayLike<number>; getCheckBuffer(): ArrayLike<number> } } };
  viterbi_searcher: { connection_costs: { buffer: Int16Array } };
}

const SURROGATE = /[\uD800-\uDFFF]/;
const utf8 = new TextEncoder();
const MAX = Number.MAX_VALUE;

/** A kuromoji dictionary's target map as typed arrays: the one `dictionary.ts` loaded, else packed here once. */
function packedTargetMap(d: KDictionary): { tmStart: Int32Array; tmIds: Int32Array; tmPresent: Uint8Array } {
  const done = packedTargetMaps.get(d);
  if (done) return done;
  // Loaded by kuromoji's own builder: an object of some 325,000 small arrays (65 MB of heap for
  // IPADIC), replaced by the same entries, in the same order, in typed arrays.
  const map = d.target_map;
  let maxKey = -1;
  let total = 0;
  for (const k in map) {
    const n = Number(k);
    if (n > maxKey) maxKey = n;
    total += map[n].length;
  }
  const tmStart = new Int32Array(maxKey + 2);
  const tmIds = new Int32Array(total);
  const tmPresent = new Uint8Array(maxKey + 1);
  let at = 0;
  for (let k = 0; k <= maxKey; k++) {
    tmStart[k] = at;
    const list = map[k];
    if (list === undefined) continue;
    tmPresent[k] = 1;
    for (let i = 0; i < list.length; i++) tmIds[at++] = Number(list[i]);
  }
  tmStart[maxKey + 1] = at;
  const packed = { tmStart, tmIds, tmPresent };
  packedTargetMaps.set(d, packed);
  d.target_map = targetMapView(packed);
  return packed;
}

/** A growable scratch lattice, reused by every call on this thread (tokenising is synchronous). */
class Scratch {
  cap = 0;
  start = new Int32Array(0);
  length = new Int32Array(0);
  right = new Int32Array(0);
  name = new Int32Array(0);
  known = new Uint8Array(0);
  shortest = new Float64Array(0);
  prev = new Int32Array(0);
  next = new Int32Array(0);
  headEnd = new Int32Array(0);
  tailEnd = new Int32Array(0);
  bytes = new Uint8Array(0);
  byteAt = new Int32Array(0);
  charAtByte = new Int32Array(0);
  kindAt = new Int32Array(0);
  runEnd = new Int32Array(0);
  /** 1 where a node reachable from BOS ends (by end position). */
  reach = new Uint8Array(0);

  grow(nodes: number): void {
    const cap = Math.max(nodes, this.cap * 2, 1024);
    const int32 = (a: Int32Array) => {
      const b = new Int32Array(cap);
      b.set(a);
      return b;
    };
    this.start = int32(this.start);
    this.length = int32(this.length);
    this.right = int32(this.right);
    this.name = int32(this.name);
    this.prev = int32(this.prev);
    this.next = int32(this.next);
    const known = new Uint8Array(cap);
    known.set(this.known);
    this.known = known;
    const shortest = new Float64Array(cap);
    shortest.set(this.shortest);
    this.shortest = shortest;
    this.cap = cap;
  }

  forText(n: number): void {
    if (this.headEnd.length < n + 2) {
      const m = Math.max(n + 2, this.headEnd.length * 2, 256);
      this.headEnd = new Int32Array(m);
      this.tailEnd = new Int32Array(m);
      this.byteAt = new Int32Array(m);
      this.runEnd = new Int32Array(m);
      this.kindAt = new Int32Array(m);
      this.reach = new Uint8Array(m);
    }
    if (this.bytes.length < 3 * n + 4) {
      const m = Math.max(3 * n + 4, this.bytes.length * 2, 1024);
      this.bytes = new Uint8Array(m);
      this.charAtByte = new Int32Array(m + 1);
    }
    if (this.cap === 0) this.grow(1024);
  }
}

/** Only the tokens whose features pass `keep` are made (the others are still on the best path). */
export type FeatureFilter = (features: readonly string[]) => boolean;

/**
 * Proper nouns only (名詞,固有名詞): what the corpus analysis reads. The lattice recognises this
 * filter and tests a known word's features in the dictionary's bytes, decoding only the words kept.
 */
export const PROPER_NOUNS: FeatureFilter = (f) => f[1] === "名詞" && f[2] === "固有名詞";
const PROPER_NOUN_BYTES = new TextEncoder().encode(",名詞,固有名詞");

/**
 * kuromoji's `tokenize` of one piece (a text with no 、/。 except at its end), computed on typed
 * arrays: kuromoji re-encodes the whole rest of the text to UTF-8 for every position (quadratic),
 * makes an object per lattice node and looks each connection cost up through a method. Here the text
 * is encoded once, the trie is walked from each position, unknown-word runs are found once, and each
 * node's best predecessor is found as the node is appended — the nodes ending where it starts are
 * all in by then — with kuromoji's arithmetic, its candidates in its order (known words by length,
 * then unknown words) and its tie rule (the first of equal costs), so the best path is the same.
 * Texts with surrogates go through kuromoji itself (its positions count code points there).
 */
function latticeTokens(t: kuromoji.Tokenizer<kuromoji.IpadicFeatures>): ((text: string, keep?: FeatureFilter) => Token[]) | null {
  const k = t as unknown as KTokenizer;
  const bc = k.viterbi_builder?.trie?.bc;
  const cc = k.viterbi_searcher?.connection_costs?.buffer;
  if (!bc || typeof bc.getBaseBuffer !== "function" || !cc || !k.unknown_dictionary || !k.token_info_dictionary) return null;
  const base = bc.getBaseBuffer();
  const check = bc.getCheckBuffer();
  const checkLen = check.length;
  if (base.length !== checkLen) return null;
  const known = k.token_info_dictionary;
  const unknown = k.unknown_dictionary;
  const { tmStart, tmIds, tmPresent } = packedTargetMap(known);
  const kb = known.dictionary.buffer;
  // Shared with the dictionary when it came from dictionary.ts; made here for kuromoji's own loader.
  const { trie, entries, wordStart, ccByLeft, wordEnds, idsByTenth, charTrie: ct, codeIds, leftIds, rightIds } = latticeArraysOf.get(known) ?? latticeArrays(base, check, kb, tmStart, tmIds, cc);
  const ctSlots = ct.length / 3;
  const boundaryEnds = wordEnds[0] === 1;
  const ub = unknown.dictionary.buffer;
  const posBytes = (known as unknown as { pos_buffer?: { buffer?: Uint8Array } }).pos_buffer?.buffer;
  /**
   * `PROPER_NOUNS` of a known word from its bytes: `line.split(",")` has 名詞 and 固有名詞 as its
   * second and third fields exactly when, after the first comma, the line goes on with
   * `名詞,固有名詞` and then a comma or its end.
   */
  const properNounOf = new Map<number, boolean>();
  const isProperNoun = (id: number): boolean => {
    let v = properNounOf.get(id);
    if (v !== undefined) return v;
    v = false;
    if (posBytes) {
      let at = (kb[id + 6] | (kb[id + 7] << 8) | (kb[id + 8] << 16) | (kb[id + 9] << 24)) >>> 0;
      while (at < posBytes.length && posBytes[at] !== 0x2c && posBytes[at] !== 0) at++;
      let k = 0;
      while (k < PROPER_NOUN_BYTES.length && at + k < posBytes.length && posBytes[at + k] === PROPER_NOUN_BYTES[k]) k++;
      const after = at + k < posBytes.length ? posBytes[at + k] : 0;
      v = k === PROPER_NOUN_BYTES.length && (after === 0x2c || after === 0);
    } else v = PROPER_NOUNS(features(known, id, featuresOf));
    properNounOf.set(id, v);
    return v;
  };
  const ccRows = cc[0];
  // kuromoji's ByteBuffer.getShort: a little-endian signed 16-bit value.
  const short = (b: Uint8Array, i: number) => ((b[i] | (b[i + 1] << 8)) << 16) >> 16;
  // Features of each entry, split once (kuromoji decodes and splits them for every token); by
  // `id / 10` when every id is a multiple of 10 (as kuromoji's builder writes them), else by id.
  const byTenth = (ids: ArrayLike<number>) => {
    for (let i = 0; i < ids.length; i++) if (ids[i] % 10 !== 0) return false;
    return true;
  };
  // Pages of 1024 slots, made as they are first needed (a flat array of 390,000 would cost its
  // making in every worker).
  const featureSlots = (): (string[] | undefined)[][] => [];
  const slotOf = <T>(pages: (T | undefined)[][], slot: number): T | undefined => pages[slot >> 10]?.[slot & 1023];
  const setSlot = <T>(pages: (T | undefined)[][], slot: number, f: T): void => {
    let page = pages[slot >> 10];
    if (page === undefined) {
      while (pages.length <= slot >> 10) pages.push(undefined as unknown as (T | undefined)[]);
      page = pages[slot >> 10] = [];
      for (let i = 0; i < 1024; i++) page.push(undefined);
    }
    page[slot & 1023] = f;
  };
  const knownSlots = idsByTenth[0] === 1 ? featureSlots() : null;
  let unknownSlots: (string[] | undefined)[][] | null | undefined;
  const featuresOf = new Map<number, string[]>();
  const unknownFeaturesOf = new Map<number, string[]>();
  /**
   * kuromoji's `getFeatures(id)` — `pos_buffer.getString(dictionary.getInt(id + 6))`, its UTF-8
   * decoding included — read straight from the bytes, without its per-byte array and string steps.
   */
  const featureLine = (d: KDictionary, id: number): string | null => {
    const pb = (d as unknown as { pos_buffer?: { buffer?: Uint8Array } }).pos_buffer?.buffer;
    const db = d.dictionary.buffer;
    if (!pb || !(db instanceof Uint8Array) || !(pb instanceof Uint8Array) || !Number.isInteger(id)) return d.getFeatures(id);
    const at = id + 6;
    let index = db.length < at + 4 ? 0 : (db[at + 3] << 24) + (db[at + 2] << 16) + (db[at + 1] << 8) + db[at];
    let end = index;
    while (end < pb.length && pb[end] !== 0) end++;
    const byte = (k: number) => (k < end ? pb[k] : 0);
    const codes: number[] = [];
    while (index < end) {
      const b1 = pb[index++];
      let code: number;
      if (b1 < 0x80) code = b1;
      else if (b1 >> 5 === 0x06) code = ((b1 & 0x1f) << 6) | (byte(index++) & 0x3f);
      else if (b1 >> 4 === 0x0e) {
        code = ((b1 & 0x0f) << 12) | ((byte(index) & 0x3f) << 6) | (byte(index + 1) & 0x3f);
        index += 2;
      } else {
        code = ((b1 & 0x07) << 18) | ((byte(index) & 0x3f) << 12) | ((byte(index + 1) & 0x3f) << 6) | (byte(index + 2) & 0x3f);
        index += 3;
      }
      if (code < 0x10000) codes.push(code);
      else {
        code -= 0x10000;
        codes.push(0xd800 | (code >> 10), 0xdc00 | (code & 0x3ff));
      }
    }
    return String.fromCharCode.apply(null, codes);
  };
  const features = (d: KDictionary, id: number, cache: Map<number, string[]>): string[] => {
    let f = cache.get(id);
    if (!f) {
      const line = featureLine(d, id);
      cache.set(id, (f = line == null ? [] : line.split(",")));
    }
    return f;
  };
  const knownFeatures = (id: number): string[] => {
    if (!knownSlots) return features(known, id, featuresOf);
    const slot = id / 10;
    let f = slotOf(knownSlots, slot);
    if (f === undefined) {
      const line = featureLine(known, id);
      setSlot(knownSlots, slot, (f = line == null ? [] : line.split(",")));
    }
    return f;
  };
  // A known word's token but its start (every field comes from the entry), made once per entry.
  // By `id / 10`: 1 + the template's index in `knownTemplates` (a typed array of zeros costs a
  // worker nothing until touched, unlike paged arrays it looks up twice per token).
  const knownTemplates: Token[] = [];
  const knownTemplateAt = knownSlots ? new Int32Array(Math.floor(kb.length / 10) + 1) : null;
  const knownTemplatesById = new Map<number, Token>();
  const templateOf = (f: string[]): Token => ({ surface: f[0], start: 0, pos: f[1], pos1: f[2], pos2: f[3], pos3: f[4], basic: f[7] === "*" ? f[0] : f[7], reading: f[8] ?? "" });
  const knownTemplate = (id: number): Token => {
    const slot = id / 10;
    if (knownTemplateAt === null || !(slot < knownTemplateAt.length)) {
      let tp = knownTemplatesById.get(id);
      if (tp === undefined) knownTemplatesById.set(id, (tp = templateOf(knownFeatures(id))));
      return tp;
    }
    const at = knownTemplateAt[slot];
    if (at !== 0) return knownTemplates[at - 1];
    const tp = templateOf(knownFeatures(id));
    knownTemplates.push(tp);
    knownTemplateAt[slot] = knownTemplates.length;
    return tp;
  };
  const unknownFeatures = (id: number): string[] => {
    if (unknownSlots === undefined) {
      const all: number[] = [];
      for (const k in unknown.target_map) for (const x of Array.from(unknown.target_map[Number(k)])) all.push(Number(x));
      unknownSlots = byTenth(all) ? featureSlots() : null;
    }
    if (!unknownSlots || id % 10 !== 0) return features(unknown, id, unknownFeaturesOf);
    let f = slotOf(unknownSlots, id / 10);
    if (f === undefined) {
      const line = featureLine(unknown, id);
      setSlot(unknownSlots, id / 10, (f = line == null ? [] : line.split(",")));
    }
    return f;
  };
  // Character classes by UTF-16 code unit (no surrogates reach the lattice), as small numbers:
  // `kindOf[code]` is 1 + the index of the code's class in `kinds` (0 until first looked up). A run
  // of one class is what kuromoji groups (it compares class names).
  const kindOf = new Int32Array(0x10000);
  const kinds: { invoke: boolean; group: boolean; name: number; ids: Int32Array; left: Int32Array; right: Int32Array; cost: Int32Array }[] = [];
  const kindNames = new Map<string, number>();
  const kindByClass = new Map<KCharClass, number>();
  const kindOfCode = (code: number): number => {
    let k = kindOf[code];
    if (k !== 0) return k - 1;
    const c = unknown.lookup(String.fromCharCode(code));
    let i = kindByClass.get(c);
    if (i === undefined) {
      let name = kindNames.get(c.class_name);
      if (name === undefined) kindNames.set(c.class_name, (name = kindNames.size));
      const ids = Int32Array.from(unknown.target_map[c.class_id] ?? [], Number);
      const left = new Int32Array(ids.length);
      const right = new Int32Array(ids.length);
      const cost = new Int32Array(ids.length);
      for (let j = 0; j < ids.length; j++) {
        const id = ids[j];
        left[j] = leftIds[short(ub, id)];
        right[j] = rightIds[short(ub, id + 2)];
        cost[j] = short(ub, id + 4);
      }
      kindByClass.set(c, (i = kinds.length));
      kinds.push({ invoke: c.is_always_invoke === 1, group: c.is_grouping === 1, name, ids, left, right, cost });
    }
    kindOf[code] = i + 1;
    return i;
  };
  // The trie node after a character's UTF-8 bytes from the root, by UTF-16 code unit: 1 + the node,
  // -1 when no word starts with the character, -2 when a word would end inside its bytes (walked
  // byte by byte then, as kuromoji does), 0 until first needed.
  const rootStep = new Int32Array(0x10000);
  const charBytes = new Uint8Array(4);
  const rootStepOf = (code: number): number => {
    const nb = utf8.encodeInto(String.fromCharCode(code), charBytes).written;
    let parent = 0;
    for (let b = 0; b < nb; b++) {
      const child = base[parent] + charBytes[b];
      if (!(child >= 0 && child < checkLen && check[child] === parent)) return -1;
      parent = child;
      const term = base[child];
      if (b + 1 < nb && term >= 0 && term < checkLen && check[term] === child) return -2;
    }
    return parent + 1;
  };
  const decoder = new TextDecoder();
  const L = new Scratch();
  let count = 0;
  // (Nodes starting at one position with the same left id have the same best predecessor, but a
  // memo of it per left id cost more than it saved: nine in ten searches on news text missed it.)
  /** Appends a node and does kuromoji's forward step for it: the cheapest node ending just before it. */
  const append = (startPos: number, len: number, left: number, right: number, cost: number, name: number, isKnown: number) => {
    if (count === L.cap) L.grow(count + 1);
    const id = count++;
    L.start[id] = startPos;
    L.length[id] = len;
    L.right[id] = right;
    L.name[id] = name;
    L.known[id] = isKnown;
    // kuromoji compares `prev.shortest + connection + node.cost` over the previous nodes: adding the
    // node's own cost last changes no comparison between them (exact integers; an unreachable
    // predecessor's Number.MAX_VALUE absorbs them alike), so the winner of `prev.shortest +
    // connection` is found and the cost added after.
    let base = MAX;
    let bestPrev = -1;
    const shortest = L.shortest;
    const rightOf = L.right;
    const next = L.next;
    const row = left * ccRows;
    for (let p = L.headEnd[startPos - 1]; p >= 0; p = next[p]) {
      const c = shortest[p] + ccByLeft[row + rightOf[p]];
      if (c < base) {
        base = c;
        bestPrev = p;
      }
    }
    L.shortest[id] = bestPrev < 0 ? MAX : base + cost;
    L.prev[id] = bestPrev;
    const end = startPos + len - 1;
    if (bestPrev >= 0) L.reach[end] = 1;
    L.next[id] = -1;
    if (L.tailEnd[end] < 0) L.headEnd[end] = id;
    else L.next[L.tailEnd[end]] = id;
    L.tailEnd[end] = id;
  };

  return (text: string, keep?: FeatureFilter): Token[] => {
    if (SURROGATE.test(text)) {
      const all = kuromojiTokensOf(t, text);
      return keep ? all.filter((x) => keep(["", x.pos, x.pos1, x.pos2, x.pos3])) : all;
    }
    const n = text.length;
    if (n === 0) return [];
    L.forText(n);
    // (the text's UTF-8 only for the byte trie: the character trie reads code units)
    const written = ctSlots > 0 ? 0 : utf8.encodeInto(text, L.bytes).written;
    const bytes = L.bytes;
    const byteAt = L.byteAt;
    const charAtByte = L.charAtByte;
    const runEnd = L.runEnd;
    const kindAt = L.kindAt;
    if (ctSlots > 0) {
      for (let i = 0; i < n; i++) {
        const c = text.charCodeAt(i);
        kindAt[i] = kindOf[c] !== 0 ? kindOf[c] - 1 : kindOfCode(c);
      }
    } else {
      for (let i = 0, b = 0; i <= n; i++) {
        byteAt[i] = b;
        charAtByte[b] = i;
        if (i < n) {
          const c = text.charCodeAt(i);
          kindAt[i] = kindOf[c] !== 0 ? kindOf[c] - 1 : kindOfCode(c);
          if (c < 0x80) b += 1;
          else if (c < 0x800) {
            charAtByte[b + 1] = -1;
            b += 2;
          } else {
            charAtByte[b + 1] = -1;
            charAtByte[b + 2] = -1;
            b += 3;
          }
        }
      }
    }
    runEnd[n - 1] = n;
    for (let i = n - 2; i >= 0; i--) runEnd[i] = kinds[kindAt[i + 1]].name === kinds[kindAt[i]].name ? runEnd[i + 1] : i + 1;
    L.headEnd.fill(-1, 0, n + 2);
    L.tailEnd.fill(-1, 0, n + 2);
    L.reach.fill(0, 0, n + 2);
    L.reach[0] = 1;
    // Node 0 is BOS: it ends at 0, with right id 0 and cost 0.
    count = 1;
    L.start[0] = 0;
    L.length[0] = 0;
    L.right[0] = 0;
    L.shortest[0] = 0;
    L.prev[0] = -1;
    L.next[0] = -1;
    L.headEnd[0] = 0;
    L.tailEnd[0] = 0;
    const reach = L.reach;
    for (let pos = 0; pos < n; pos++) {
      // With no reachable node ending before it, every node starting here would be unreachable
      // (kuromoji's Number.MAX_VALUE, never on the best path, never a winning predecessor): none is
      // made. Most positions inside an unknown katakana or Latin word are such.
      if (reach[pos] === 0) continue;
      // Known words starting at pos, shortest first (kuromoji's commonPrefixSearch order): the first
      // character's step from the root is looked up, the rest walked byte by byte.
      let found = 0;
      if (ctSlots > 0) {
        // By character (`charTrie`): one step each, the value of a word ending there in the slot.
        for (let q = pos, node = 0; q < n; q++) {
          const id = codeIds[text.charCodeAt(q)];
          if (id === 0) break;
          const t = ct[3 * node] + id;
          if (!(t < ctSlots && ct[3 * t + 1] === node)) break;
          node = t;
          const v = ct[3 * t + 2];
          if (v === NO_WORD) continue;
          found++;
          const first = wordStart[v];
          const last = wordStart[v + 1];
          if (!(first < last) && !(v >= 0 && tmPresent[v] === 1)) throw new TypeError(`no dictionary entries for trie id ${v}`);
          for (let i = 5 * first, e = 5 * last; i < e; i += 5) append(pos + 1, q + 1 - pos, entries[i], entries[i + 1], entries[i + 2], (entries[i + 4] << 16) | (entries[i + 3] & 0xffff), 1);
        }
      } else {
      const code = text.charCodeAt(pos);
      let step = rootStep[code];
      if (step === 0) step = rootStep[code] = rootStepOf(code);
      if (step !== -1) {
        let parent = step > 0 ? step - 1 : 0;
        let b = step > 0 ? byteAt[pos + 1] : byteAt[pos];
        for (;;) {
          const next = trie[2 * parent];
          if (parent !== 0 && (charAtByte[b] >= 0 || !boundaryEnds) && next >= 0 && next < checkLen && trie[2 * next + 1] === parent) {
            // A word ends here: the node's terminal child holds its value.
            {
              const tv = trie[2 * next];
              const v = tv <= 0 ? -tv - 1 : -1;
              const end = charAtByte[b];
              const len = end >= 0 ? end - pos : decoder.decode(bytes.subarray(byteAt[pos], b)).length;
              found++;
              const first = wordStart[v];
              const last = wordStart[v + 1];
              // (a value with entries is always present: only an empty one needs the test)
              if (!(first < last) && !(v >= 0 && tmPresent[v] === 1)) throw new TypeError(`no dictionary entries for trie id ${v}`);
              for (let i = 5 * first, e = 5 * last; i < e; i += 5) append(pos + 1, len, entries[i], entries[i + 1], entries[i + 2], (entries[i + 4] << 16) | (entries[i + 3] & 0xffff), 1);
            }
          }
          if (b >= written) break;
          const child = next + bytes[b];
          if (!(child >= 0 && child < checkLen && trie[2 * child + 1] === parent)) break;
          parent = child;
          b++;
        }
      }
      }
      const head = kinds[kindAt[pos]];
      if (found === 0 || head.invoke) {
        const len = head.group && 1 < n - pos ? runEnd[pos] - pos : 1;
        const { ids, left, right, cost } = head;
        for (let j = 0; j < ids.length; j++) append(pos + 1, len, left[j], right[j], cost[j], ids[j], 0);
      }
    }
    // EOS (left id 0, cost 0) after the last character.
    let best = MAX;
    let node = -1;
    for (let p = L.headEnd[n]; p >= 0; p = L.next[p]) {
      const c = L.shortest[p] + ccByLeft[L.right[p]] + 0;
      if (c < best) {
        best = c;
        node = p;
      }
    }
    const path: number[] = [];
    for (; node > 0; node = L.prev[node]) path.push(node);
    // kuromoji gives up (no tokens) when the path breaks before BOS.
    if (node !== 0) return [];
    const out: Token[] = [];
    for (let j = path.length - 1; j >= 0; j--) {
      const id = path[j];
      const isKnown = L.known[id] === 1;
      if (keep === PROPER_NOUNS && isKnown && !isProperNoun(L.name[id])) continue;
      if (isKnown && keep === undefined) {
        const tp = knownTemplate(L.name[id]);
        out.push({ surface: tp.surface, start: L.start[id] - 1, pos: tp.pos, pos1: tp.pos1, pos2: tp.pos2, pos3: tp.pos3, basic: tp.basic, reading: tp.reading });
        continue;
      }
      const f = isKnown ? knownFeatures(L.name[id]) : unknownFeatures(L.name[id]);
      if (keep && !keep(f)) continue;
      const start = L.start[id] - 1;
      const surface = isKnown ? f[0] : text.slice(start, start + L.length[id]);
      out.push({
        surface,
        start,
        pos: f[1],
        pos1: f[2],
        pos2: f[3],
        pos3: f[4],
        basic: f[7] === "*" ? surface : f[7],
        reading: (isKnown ? f[8] : undefined) ?? "",
      });
    }
    return out;
  };
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * kuromoji's own tokens of `text`, with UTF-16 offsets: where the text has surrogate pairs
 * (emoji, rare kanji) kuromoji counts positions in code points, and a lone surrogate (a draft's
 * broken character) makes its trie search throw, so it reads U+FFFD there (one unit for one).
 */
function kuromojiTokensOf(t: kuromoji.Tokenizer<kuromoji.IpadicFeatures>, text: string): Token[] {
  if (!SURROGATE.test(text)) return toTokensOf(t.tokenize(text));
  const clean = text.replace(LONE_SURROGATE, "\uFFFD");
  const tokens = toTokensOf(t.tokenize(clean));
  const unitAt: number[] = [];
  for (let i = 0; i < clean.length; i++) {
    unitAt.push(i);
    const c = clean.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) i++;
  }
  unitAt.push(clean.length);
  for (const k of tokens) {
    k.start = unitAt[k.start] ?? k.start;
    // An unknown word's surface is the text's own characters (the lone surrogate, not U+FFFD).
    if (k.surface.includes("\uFFFD")) k.surface = text.slice(k.start, k.start + k.surface.length);
  }
  return tokens;
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

const lean = new WeakMap<object, ((text: string, keep?: FeatureFilter) => Token[]) | null>();

/**
 * kuromoji's tokens of one piece (see `splitClauses`), through the lean lattice when it applies;
 * with `keep`, only the tokens whose features pass it.
 */
function toTokens(t: kuromoji.Tokenizer<kuromoji.IpadicFeatures>, text: string, keep?: FeatureFilter): Token[] {
  let f = lean.get(t);
  if (f === undefined) lean.set(t, (f = process.env.SHUTTEN_KUROMOJI_REFERENCE === "1" ? null : latticeTokens(t)));
  if (f) return f(text, keep);
  const all = kuromojiTokensOf(t, text);
  return keep ? all.filter((x) => keep(["", x.pos, x.pos1, x.pos2, x.pos3])) : all;
}

/** kuromoji's own tokens, never the lean lattice (the reference in tests). */
export function kuromojiReferenceTokens(t: kuromoji.Tokenizer<kuromoji.IpadicFeatures>, text: string): Token[] {
  return kuromojiTokensOf(t, text);
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

/** kuromoji over an already loaded dictionary (a worker's view of the main thread's shared one). */
export function kuromojiOf(data: DictionaryData): kuromoji.Tokenizer<kuromoji.IpadicFeatures> {
  return kuromojiFromData(data);
}

/** Builds kuromoji itself, with its own loader (the reference the tests compare with). */
export function buildKuromoji(dicPath: string = dictionaryPath()): Promise<kuromoji.Tokenizer<kuromoji.IpadicFeatures>> {
  return new Promise((resolve, reject) => {
    kuromoji.builder({ dicPath: path.resolve(dicPath) }).build((err, t) => (err || !t ? reject(err ?? new Error("kuromoji: cannot load dictionary")) : resolve(t)));
  });
}

export { toTokens as kuromojiTokens };

