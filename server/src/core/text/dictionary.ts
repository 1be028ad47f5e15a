/**
 * kuromoji's dictionary (the `*.dat.gz` files the build ships beside the bundle) as plain typed
 * arrays in shared memory: loaded once per process, then handed to the ingestion workers, which
 * build their tokenizers over the same bytes instead of each loading (and holding) a copy.
 *
 * The files are read exactly as kuromoji's own loader reads them (same files, same
 * `DynamicDictionaries` setters), except the token-info target map, which kuromoji turns into an
 * object of some 325,000 small arrays: here it is two typed arrays with the same entries in the same
 * order, and kuromoji's objects get a view of them (`target_map`). So whatever dictionary the build
 * ships, the tokens are kuromoji's (tests compare them with kuromoji's own builder).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as zlib from "node:zlib";
import type kuromoji from "kuromoji";

/** The dictionary's arrays; every one may live in a SharedArrayBuffer. */
export interface DictionaryData {
  base: Int32Array;
  check: Int32Array;
  tid: Uint8Array;
  tidPos: Uint8Array;
  /** The target map packed: the token-info ids of trie value k are `tmIds[tmStart[k] .. tmStart[k + 1])`, when `tmPresent[k]`. */
  tmStart: Int32Array;
  tmIds: Int32Array;
  tmPresent: Uint8Array;
  cc: Int16Array;
  unk: Uint8Array;
  unkPos: Uint8Array;
  unkMap: Uint8Array;
  unkChar: Uint8Array;
  unkCompat: Uint32Array;
  unkInvoke: Uint8Array;
}

const FILES = ["base", "check", "tid", "tid_pos", "tid_map", "cc", "unk", "unk_pos", "unk_map", "unk_char", "unk_compat", "unk_invoke"] as const;
type FileName = (typeof FILES)[number];

/** A copy of `bytes` in shared memory (length rounded up to `align` bytes). */
function shared(bytes: Uint8Array, align = 1): Uint8Array {
  const out = new Uint8Array(new SharedArrayBuffer(Math.ceil(bytes.length / align) * align));
  out.set(bytes);
  return out;
}

/** Without its trailing zero bytes: kuromoji's byte buffers read 0 past their end, as from the zeros. */
function trimZeros(bytes: Uint8Array): Uint8Array {
  let end = bytes.length;
  while (end > 0 && bytes[end - 1] === 0) end--;
  return bytes.subarray(0, end);
}

/** kuromoji's `loadTargetMap` (tid_map.dat: a count, then key, size, ids…), into typed arrays. */
function packTargetMapBytes(bytes: Uint8Array): Pick<DictionaryData, "tmStart" | "tmIds" | "tmPresent"> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const int = (at: number) => (at + 4 <= bytes.length ? view.getInt32(at, true) : 0);
  // Pass 1: the largest key and how many ids each key has (a key may appear more than once).
  let maxKey = -1;
  let total = 0;
  const walk = (each: (key: number, at: number, size: number) => void) => {
    let pos = 4;
    while (pos + 1 <= bytes.length) {
      const key = int(pos);
      const size = int(pos + 4);
      pos += 8;
      each(key, pos, size);
      pos += 4 * size;
    }
  };
  walk((key, _, size) => {
    if (key > maxKey) maxKey = key;
    total += size;
  });
  const counts = new Int32Array(maxKey + 1);
  const tmPresent = new Uint8Array(new SharedArrayBuffer(maxKey + 1));
  walk((key, _, size) => {
    counts[key] += size;
    // As kuromoji's `addMapping`, called once per id: a key with no ids has no entry.
    if (size > 0) tmPresent[key] = 1;
  });
  const tmStart = new Int32Array(new SharedArrayBuffer((maxKey + 2) * 4));
  for (let k = 0; k <= maxKey; k++) tmStart[k + 1] = tmStart[k] + counts[k];
  const tmIds = new Int32Array(new SharedArrayBuffer(Math.max(4, total * 4)));
  const fill = tmStart.slice(0, maxKey + 1);
  walk((key, at, size) => {
    for (let i = 0; i < size; i++) tmIds[fill[key]++] = int(at + 4 * i);
  });
  return { tmStart, tmIds, tmPresent };
}

function assemble(raw: Record<FileName, Uint8Array>): DictionaryData {
  const i32 = (b: Uint8Array) => new Int32Array(shared(b, 4).buffer);
  return {
    base: i32(raw.base),
    check: i32(raw.check),
    tid: shared(raw.tid),
    tidPos: shared(raw.tid_pos),
    ...packTargetMapBytes(raw.tid_map),
    cc: new Int16Array(shared(raw.cc, 2).buffer),
    unk: shared(trimZeros(raw.unk)),
    unkPos: shared(trimZeros(raw.unk_pos)),
    unkMap: shared(raw.unk_map),
    unkChar: shared(raw.unk_char),
    unkCompat: new Uint32Array(shared(raw.unk_compat, 4).buffer),
    unkInvoke: shared(raw.unk_invoke),
  };
}

const loading = new Map<string, Promise<DictionaryData>>();
const loaded = new Map<string, DictionaryData>();

/** Loads the dictionary in `dicPath` into shared memory, once per process (gunzip off this thread). */
export function loadDictionaryData(dicPath: string): Promise<DictionaryData> {
  const key = path.resolve(dicPath);
  let p = loading.get(key);
  if (!p) {
    p = (async () => {
      const raw = {} as Record<FileName, Uint8Array>;
      await Promise.all(
        FILES.map(async (name) => {
          const gz = await fs.promises.readFile(path.join(key, `${name}.dat.gz`));
          raw[name] = await new Promise<Uint8Array>((resolve, reject) => zlib.gunzip(gz, (err, out) => (err ? reject(err) : resolve(out))));
        }),
      );
      const data = assemble(raw);
      loaded.set(key, data);
      return data;
    })();
    p.catch(() => loading.delete(key));
    loading.set(key, p);
  }
  return p;
}

/** `loadDictionaryData` with blocking reads (returns the loaded data at once when there is some). */
export function loadDictionaryDataSync(dicPath: string): DictionaryData {
  const key = path.resolve(dicPath);
  const done = loaded.get(key);
  if (done) return done;
  const raw = {} as Record<FileName, Uint8Array>;
  for (const name of FILES) raw[name] = zlib.gunzipSync(fs.readFileSync(path.join(key, `${name}.dat.gz`)));
  const data = assemble(raw);
  loaded.set(key, data);
  loading.set(key, Promise.resolve(data));
  return data;
}

/* eslint-disable @typescript-eslint/no-require-imports */
type KTokenizer = kuromoji.Tokenizer<kuromoji.IpadicFeatures>;
interface KDynamicDictionaries {
  loadTrie(base: Int32Array, check: Int32Array): void;
  loadConnectionCosts(cc: Int16Array): void;
  loadUnknownDictionaries(a: Uint8Array, b: Uint8Array, c: Uint8Array, d: Uint8Array, e: Uint32Array, f: Uint8Array): void;
  token_info_dictionary: { loadDictionary(b: Uint8Array): void; loadPosVector(b: Uint8Array): void; target_map: unknown };
}

/** The packed target map each kuromoji token-info dictionary reads (see tokenizer.ts). */
export const packedTargetMaps = new WeakMap<object, Pick<DictionaryData, "tmStart" | "tmIds" | "tmPresent">>();

/** A view of the packed map as kuromoji's `target_map` object (its own lattice builder reads it). */
export function targetMapView(p: Pick<DictionaryData, "tmStart" | "tmIds" | "tmPresent">): Record<number, number[]> {
  const { tmStart, tmIds, tmPresent } = p;
  const maxKey = tmPresent.length - 1;
  return new Proxy({} as Record<number, number[]>, {
    get(_, k) {
      const n = typeof k === "string" ? Number(k) : NaN;
      return n >= 0 && n <= maxKey && tmPresent[n] === 1 ? (tmIds.subarray(tmStart[n], tmStart[n + 1]) as unknown as number[]) : undefined;
    },
  });
}

/** kuromoji's tokenizer over `data` (its own classes; the arrays are used in place, not copied). */
export function kuromojiFromData(data: DictionaryData): KTokenizer {
  const DynamicDictionaries: new () => KDynamicDictionaries = require("kuromoji/src/dict/DynamicDictionaries");
  const KuromojiTokenizer: new (dic: object) => KTokenizer = require("kuromoji/src/Tokenizer");
  const dic = new DynamicDictionaries();
  dic.loadTrie(data.base, data.check);
  dic.token_info_dictionary.loadDictionary(data.tid);
  dic.token_info_dictionary.loadPosVector(data.tidPos);
  dic.token_info_dictionary.target_map = targetMapView(data);
  packedTargetMaps.set(dic.token_info_dictionary, data);
  dic.loadConnectionCosts(data.cc);
  dic.loadUnknownDictionaries(data.unk, data.unkPos, data.unkMap, data.unkChar, data.unkCompat, data.unkInvoke);
  return new KuromojiTokenizer(dic);
}
/* eslint-enable @typescript-eslint/no-require-imports */
