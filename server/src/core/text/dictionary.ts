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
import * as os from "node:os";
import * as path from "node:path";
import * as zlib from "node:zlib";
import type kuromoji from "kuromoji";
import { crc32 } from "../index/checksum";

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
  /** The lattice's own layouts of the arrays above (`latticeArrays`), shared by every thread; `trie` empty when `charTrie` is not. */
  trie: Int32Array;
  /** The entries that can be on a best path (`winnableEntries`), five per entry; trie value k's are `wordStart[k] .. wordStart[k + 1]`. */
  entries: Int16Array;
  wordStart: Int32Array;
  ccByLeft: Int16Array;
  /** `[1]` when every word of the trie ends on a character boundary (`wordsEndOnCharacters`), else `[0]`. */
  wordEnds: Uint8Array;
  /** `[1]` when every token-info id is a multiple of 10 (as kuromoji's builder writes them), else `[0]`. */
  idsByTenth: Uint8Array;
  /** The trie by UTF-16 code unit (`charTrie`), empty when some word ends inside a character. */
  charTrie: Int32Array;
  codeIds: Uint16Array;
  /** The lattice's connection ids by kuromoji's (`idOrder`): `entries` and `ccByLeft` use them. */
  leftIds: Int16Array;
  rightIds: Int16Array;
}

const FILES = ["base", "check", "tid", "tid_pos", "tid_map", "cc", "unk", "unk_pos", "unk_map", "unk_char", "unk_compat", "unk_invoke"] as const;
type FileName = (typeof FILES)[number];

/** A copy of `bytes` in shared memory (length rounded up to `align` bytes). */
/**
 * Gunzip options for `gz`: an output buffer as long as the file says its contents are (a gzip
 * file's last four bytes), so the output comes in one piece — in 16 KB pieces, each handed to
 * JavaScript and then concatenated, the dictionary's 100 MB cost about twice the CPU.
 */
function oneChunk(gz: Uint8Array): zlib.ZlibOptions {
  const size = gz.length >= 4 ? (gz[gz.length - 4] | (gz[gz.length - 3] << 8) | (gz[gz.length - 2] << 16) | (gz[gz.length - 1] << 24)) >>> 0 : 0;
  return { chunkSize: Math.min(Math.max(64 * 1024, size + 1), 1 << 30) };
}

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

/**
 * Without the zero padding after its last non-zero byte but a few: kuromoji's buffers read 0 past
 * their end, as from the zeros, and the few kept hold the zero high bytes of a last entry's number
 * and its string's NUL (its `getInt` returns 0 for a number reaching past the end). tid.dat and
 * tid_pos.dat are padded to 10 and 40 MB for 4 and 36.
 */
function trimPadding(bytes: Uint8Array): Uint8Array {
  const end = trimZeros(bytes).length;
  return bytes.subarray(0, Math.min(bytes.length, Math.ceil((end + 8) / 8) * 8));
}

/** Whether every byte of `bytes` from `from` on is zero. */
function zerosFrom(bytes: Uint8Array, from: number): boolean {
  for (let i = from; i < bytes.length; i++) if (bytes[i] !== 0) return false;
  return true;
}

/**
 * The records of a file kuromoji reads "until the buffer ends", without the zero padding its
 * dictionary builder leaves after them (unk_invoke.dat and unk_map.dat are 1 MB for a few hundred
 * bytes). kuromoji reads that padding as records — some 150,000 empty character classes, whose
 * set-up cost every process a few hundred milliseconds — that add nothing: an empty class no
 * character maps to, a key with no ids. `next(at)` is the offset after the record at `at`.
 */
function withoutPadding(bytes: Uint8Array, first: number, next: (at: number) => number): Uint8Array {
  let at = first;
  while (at < bytes.length && !zerosFrom(bytes, at)) {
    const after = next(at);
    if (after <= at || after > bytes.length) return bytes; // not the layout expected: keep it whole
    at = after;
  }
  return bytes.subarray(0, Math.min(at, bytes.length));
}

/** unk_invoke.dat: per character class, two flag bytes, a 32-bit length and a NUL-ended name. */
function invokeRecords(bytes: Uint8Array): Uint8Array {
  return withoutPadding(bytes, 0, (at) => {
    const nul = bytes.indexOf(0, at + 6);
    return nul < 0 ? bytes.length : nul + 1;
  });
}

/** unk_map.dat: a count, then per key: key, size, then `size` 32-bit ids. */
function targetMapRecords(bytes: Uint8Array): Uint8Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return withoutPadding(bytes, 4, (at) => (at + 8 <= bytes.length ? at + 8 + 4 * view.getInt32(at + 4, true) : -1));
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

/**
 * The trie's arrays as kuromoji's double array keeps them after `shrink()` (which it runs on every
 * load, scanning back over the unused nodes at the end): cut here once, its own scan stops at once
 * and leaves the same arrays.
 */
function shrunkTrie(base: Int32Array, check: Int32Array): { base: Int32Array; check: Int32Array } {
  let last = Math.max(base.length, check.length) - 1;
  while (!(0 <= check[last])) last--;
  return { base: base.subarray(0, last + 2), check: check.subarray(0, last + 2) };
}

function assemble(raw: Record<FileName, Uint8Array>, shipped: ShippedLattice | null = null): DictionaryData {
  const i32 = (b: Uint8Array) => new Int32Array(shared(b, 4).buffer);
  const aligned = (b: Uint8Array) => new Int32Array(b.buffer.slice(b.byteOffset, b.byteOffset + Math.floor(b.byteLength / 4) * 4));
  const trie = shrunkTrie(aligned(raw.base), aligned(raw.check));
  const bytes = (a: Int32Array) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  const targetMap = packTargetMapBytes(raw.tid_map);
  const tid = shared(trimPadding(raw.tid));
  const cc = new Int16Array(shared(raw.cc, 2).buffer);
  return {
    base: i32(bytes(trie.base)),
    check: i32(bytes(trie.check)),
    tid,
    tidPos: shared(trimPadding(raw.tid_pos)),
    ...targetMap,
    cc,
    ...latticeArrays(trie.base, trie.check, tid, targetMap.tmStart, targetMap.tmIds, cc, (n) => new SharedArrayBuffer(n), shipped),
    unk: shared(trimZeros(raw.unk)),
    unkPos: shared(trimZeros(raw.unk_pos)),
    unkMap: shared(targetMapRecords(raw.unk_map)),
    unkChar: shared(raw.unk_char),
    unkCompat: new Uint32Array(shared(raw.unk_compat, 4).buffer),
    unkInvoke: shared(invokeRecords(raw.unk_invoke)),
  };
}

const loading = new Map<string, Promise<DictionaryData>>();
const loaded = new Map<string, DictionaryData>();

// ---------------------------------------------------------------------------------------------
// The assembled dictionary in the cache folder. Gunzipping kuromoji's files and packing the target
// map costs about a second of CPU in every process that tokenises (`shutten check`, a fresh server);
// the assembled arrays, stored once in the user's cache folder, read back in one read of ~80 MB
// into one shared buffer (each array a view of it). The file is named by the CRC-32 of the shipped
// `.dat.gz` bytes (another dictionary gets another file) and every array carries its CRC-32: a
// damaged or foreign file is ignored and written again.

const DICT_MAGIC = "SHTNDICT";
const DICT_FORMAT = 7;
const DICT_PREFIX = 16;
type ArrayKind = "i32" | "u32" | "i16" | "u16" | "u8";
const FIELDS: ArrayField<keyof DictionaryData>[] = [
  ["base", "i32"],
  ["check", "i32"],
  ["tid", "u8"],
  ["tidPos", "u8"],
  ["tmStart", "i32"],
  ["tmIds", "i32"],
  ["tmPresent", "u8"],
  ["cc", "i16"],
  ["unk", "u8"],
  ["unkPos", "u8"],
  ["unkMap", "u8"],
  ["unkChar", "u8"],
  ["unkCompat", "u32"],
  ["unkInvoke", "u8"],
  ["trie", "i32"],
  ["entries", "i16"],
  ["wordStart", "i32"],
  ["ccByLeft", "i16"],
  ["wordEnds", "u8"],
  ["idsByTenth", "u8"],
  ["charTrie", "i32"],
  ["codeIds", "u16"],
  ["leftIds", "i16"],
  ["rightIds", "i16"],
];

function viewOf(kind: ArrayKind, buffer: ArrayBufferLike, offset: number, length: number): DictionaryData[keyof DictionaryData] {
  if (kind === "i32") return new Int32Array(buffer, offset, length) as never;
  if (kind === "u32") return new Uint32Array(buffer, offset, length) as never;
  if (kind === "i16") return new Int16Array(buffer, offset, length) as never;
  if (kind === "u16") return new Uint16Array(buffer, offset, length) as never;
  return new Uint8Array(buffer, offset, length) as never;
}

/** An array's place in a file: kind, byte offset, length in elements, CRC-32 of its bytes. */
type ArrayEntry = [ArrayKind, number, number, number];
type ArrayField<K> = [K, ArrayKind];

/**
 * The layout of `fields`' arrays from byte `at` on, each 8-aligned, with its CRC-32, and the bytes to
 * write from `at` (padding included). Shared by the dictionary's cache file and the shipped layouts.
 */
function layoutArrays<K extends keyof DictionaryData>(fields: ArrayField<K>[], data: Pick<DictionaryData, K>, at: number): { arrays: Record<string, ArrayEntry>; parts: Uint8Array[] } {
  const arrays: Record<string, ArrayEntry> = {};
  const parts: Uint8Array[] = [];
  for (const [name, kind] of fields) {
    const a = data[name];
    const aligned = Math.ceil(at / 8) * 8;
    if (aligned > at) parts.push(new Uint8Array(aligned - at));
    const bytes = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
    arrays[name] = [kind, aligned, a.length, crc32(bytes)];
    parts.push(bytes);
    at = aligned + a.byteLength;
  }
  return { arrays, parts };
}

/** `fields`' arrays as views of `buffer` where `arrays` puts them; null when one is missing, of another kind, outside it or damaged. */
function viewsOf<K extends keyof DictionaryData>(fields: ArrayField<K>[], arrays: Record<string, ArrayEntry>, buffer: ArrayBufferLike): Pick<DictionaryData, K> | null {
  const out = {} as Record<K, unknown>;
  for (const [name, kind] of fields) {
    const entry = arrays[name];
    if (!entry || entry[0] !== kind) return null;
    const [, offset, length, crc] = entry;
    const bytes = length * (kind === "u8" ? 1 : kind === "i16" || kind === "u16" ? 2 : 4);
    if (!(offset >= 0 && offset % 8 === 0 && length >= 0 && offset + bytes <= buffer.byteLength)) return null;
    const view = viewOf(kind, buffer, offset, length);
    if (crc32(new Uint8Array(buffer, offset, bytes)) !== crc) return null;
    out[name] = view;
  }
  return out as Pick<DictionaryData, K>;
}

/** The cache file for the dictionary whose `.dat.gz` files are `gz` (by name). */
function dictionaryCacheFile(cacheDir: string, gz: Record<FileName, Uint8Array>): string {
  return path.join(cacheDir, `dictionary-v${DICT_FORMAT}`, `ipadic-${sourceCrc(gz).toString(16).padStart(8, "0")}.bin`);
}

/** The CRC-32 of the shipped `.dat.gz` files (names, lengths and bytes): which dictionary this is. */
function sourceCrc(gz: Record<FileName, Uint8Array>): number {
  let crc = 0;
  for (const name of FILES) crc = crc32(gz[name], crc32(Buffer.from(`${name}:${gz[name].length};`), crc));
  return crc;
}

// ---------------------------------------------------------------------------------------------
// The lattice layouts that take seconds to make (`charTrie`, `idOrder`: ~2.5 s of CPU, at the start
// of the first index on a machine, before any file can be tokenised) are made when the extension is
// built (`esbuild.mjs` runs `writeShippedLattice`) and shipped beside the dictionary as
// `lattice.dat.gz`. It names the dictionary it was made from (`sourceCrc`) and its layout version;
// when either differs, or the file is absent or damaged, the layouts are made here as before.

const LATTICE_FILE = "lattice.dat.gz";
const LATTICE_MAGIC = "SHTNLATT";
/** The shipped layout's version: bump it when `charTrie` or `idOrder` change what they make. */
const LATTICE_FORMAT = 2;
const SHIPPED: ArrayField<keyof ShippedLattice>[] = [
  ["charTrie", "i32"],
  ["codeIds", "u16"],
  ["leftIds", "i16"],
  ["rightIds", "i16"],
];
export type ShippedLattice = Pick<DictionaryData, "charTrie" | "codeIds" | "leftIds" | "rightIds">;

/** Makes the shipped lattice layouts for the dictionary in `dicPath` and writes them beside it (unless they fit already). */
export function writeShippedLattice(dicPath: string): string {
  const gz = {} as Record<FileName, Uint8Array>;
  for (const name of FILES) gz[name] = fs.readFileSync(path.join(dicPath, `${name}.dat.gz`));
  const file = path.join(dicPath, LATTICE_FILE);
  if (readShippedLattice(dicPath, gz)) return file;
  const raw = {} as Record<FileName, Uint8Array>;
  for (const name of FILES) raw[name] = zlib.gunzipSync(gz[name], oneChunk(gz[name]));
  const data = assemble(raw);
  // Offsets from the start of the arrays (the reader copies them into a buffer of their own).
  const { arrays, parts } = layoutArrays(SHIPPED, data, 0);
  const header = Buffer.from(JSON.stringify({ format: LATTICE_FORMAT, source: sourceCrc(gz), wordEnds: data.wordEnds[0], arrays }), "utf8");
  const prefix = Buffer.alloc(DICT_PREFIX);
  prefix.write(LATTICE_MAGIC, 0, "latin1");
  prefix.writeUInt32LE(header.length, 8);
  parts.unshift(prefix, header);
  fs.writeFileSync(file, zlib.gzipSync(Buffer.concat(parts), { level: 9 }));
  return file;
}

/** The shipped layouts beside the dictionary, when they were made from these `.dat.gz` files; else null. */
function readShippedLattice(dicPath: string | null, gz: Record<FileName, Uint8Array>): ShippedLattice | null {
  if (dicPath === null) return null;
  try {
    const file = path.join(dicPath, LATTICE_FILE);
    if (!fs.existsSync(file)) return null;
    const packed = fs.readFileSync(file);
    const bytes = zlib.gunzipSync(packed, oneChunk(packed));
    if (bytes.length < DICT_PREFIX || bytes.toString("latin1", 0, 8) !== LATTICE_MAGIC) return null;
    const headerLength = bytes.readUInt32LE(8);
    const header = JSON.parse(bytes.toString("utf8", DICT_PREFIX, DICT_PREFIX + headerLength)) as { format: number; source: number; wordEnds: number; arrays: Record<string, ArrayEntry> };
    if (header.format !== LATTICE_FORMAT || header.source !== sourceCrc(gz) || header.wordEnds !== 1) return null;
    // Copied into shared memory, where the rest of the dictionary lives (the workers read it there).
    const start = DICT_PREFIX + headerLength;
    const buffer = new SharedArrayBuffer(bytes.length - start);
    new Uint8Array(buffer).set(bytes.subarray(start));
    return viewsOf(SHIPPED, header.arrays, buffer);
  } catch {
    return null;
  }
}

/** The dictionary read back from its cache file; null when absent, damaged or of another layout. */
function readDictionaryCache(file: string): DictionaryData | null {
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, "r");
    const size = fs.fstatSync(fd).size;
    if (size < DICT_PREFIX) return null;
    const buffer = new SharedArrayBuffer(size);
    const bytes = new Uint8Array(buffer);
    for (let done = 0; done < size; ) {
      const n = fs.readSync(fd, bytes, done, size - done, done);
      if (n <= 0) return null;
      done += n;
    }
    const prefix = Buffer.from(buffer, 0, DICT_PREFIX);
    if (prefix.toString("latin1", 0, 8) !== DICT_MAGIC) return null;
    const headerLength = prefix.readUInt32LE(8);
    if (DICT_PREFIX + headerLength > size) return null;
    const headerBytes = bytes.subarray(DICT_PREFIX, DICT_PREFIX + headerLength);
    if (crc32(headerBytes) !== prefix.readUInt32LE(12)) return null;
    const header = JSON.parse(Buffer.from(headerBytes).toString("utf8")) as { format: number; arrays: Record<string, ArrayEntry> };
    if (header.format !== DICT_FORMAT) return null;
    return viewsOf(FIELDS, header.arrays, buffer);
  } catch {
    return null;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** Writes the assembled dictionary to its cache file (a temp file renamed into place); never throws. */
function writeDictionaryCache(file: string, data: DictionaryData): void {
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2, 10)}.tmp`;
  try {
    // Laid out from 0, then moved past the header: its length is a multiple of 8, so the padding is the same.
    const { arrays: relative, parts } = layoutArrays(FIELDS, data, 0);
    let headerLength = 4096;
    let json = "";
    for (;;) {
      const arrays: Record<string, ArrayEntry> = {};
      for (const [name, [kind, offset, length, crc]] of Object.entries(relative)) arrays[name] = [kind, DICT_PREFIX + headerLength + offset, length, crc];
      json = JSON.stringify({ format: DICT_FORMAT, arrays });
      if (Buffer.byteLength(json) <= headerLength) break;
      headerLength *= 2;
    }
    const header = Buffer.alloc(headerLength, 0x20);
    header.write(json, 0, "utf8");
    const prefix = Buffer.alloc(DICT_PREFIX);
    prefix.write(DICT_MAGIC, 0, "latin1");
    prefix.writeUInt32LE(headerLength, 8);
    prefix.writeUInt32LE(crc32(header), 12);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const fd = fs.openSync(tmp, "wx");
    try {
      parts.unshift(prefix, header);
      for (const part of parts) for (let done = 0; done < part.length; ) done += fs.writeSync(fd, part, done, part.length - done);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, file);
  } catch {
    try {
      fs.rmSync(tmp, { force: true });
    } catch {
      // nothing to remove
    }
  }
}

/** Where the assembled dictionary is kept: `cacheDir` when given, else the user's cache folder. */
function defaultCacheDir(): string {
  const env = process.env;
  if (env.SHUTTEN_CACHE_DIR) return path.resolve(env.SHUTTEN_CACHE_DIR);
  if (env.XDG_CACHE_HOME && path.isAbsolute(env.XDG_CACHE_HOME)) return path.join(env.XDG_CACHE_HOME, "shutten");
  return path.join(os.homedir(), ".cache", "shutten");
}

export interface DictionaryLoadOptions {
  /** The cache folder for the assembled dictionary (default: the user's); `null` for none. */
  cacheDir?: string | null;
}

function cacheDirOf(options: DictionaryLoadOptions): string | null {
  return options.cacheDir === null ? null : options.cacheDir ?? defaultCacheDir();
}

/** From the cache file when it is there and sound, else gunzipped and assembled (and the cache file written). */
function fromFiles(gz: Record<FileName, Uint8Array>, raw: () => Promise<Record<FileName, Uint8Array>> | Record<FileName, Uint8Array>, cacheDir: string | null, dicPath: string | null): DictionaryData | Promise<DictionaryData> {
  const file = cacheDir ? dictionaryCacheFile(cacheDir, gz) : null;
  const cached = file ? readDictionaryCache(file) : null;
  if (cached) return cached;
  const shipped = readShippedLattice(dicPath, gz);
  const r = raw();
  if (!(r instanceof Promise)) {
    const data = assemble(r, shipped);
    if (file) writeDictionaryCache(file, data);
    return data;
  }
  return r.then((raw) => {
    const data = assemble(raw, shipped);
    // Written after the loaders (the ingestion workers, waiting to tokenise) have the arrays.
    if (file) setImmediate(() => writeDictionaryCache(file, data));
    return data;
  });
}

/** Loads the dictionary in `dicPath` into shared memory, once per process (gunzip off this thread). */
export function loadDictionaryData(dicPath: string, options: DictionaryLoadOptions = {}): Promise<DictionaryData> {
  const key = path.resolve(dicPath);
  let p = loading.get(key);
  if (!p) {
    p = (async () => {
      const gz = {} as Record<FileName, Uint8Array>;
      await Promise.all(FILES.map(async (name) => (gz[name] = await fs.promises.readFile(path.join(key, `${name}.dat.gz`)))));
      const gunzipAll = async () => {
        const raw = {} as Record<FileName, Uint8Array>;
        await Promise.all(
          FILES.map(async (name) => (raw[name] = await new Promise<Uint8Array>((resolve, reject) => zlib.gunzip(gz[name], oneChunk(gz[name]), (err, out) => (err ? reject(err) : resolve(out)))))),
        );
        return raw;
      };
      const data = await fromFiles(gz, gunzipAll, cacheDirOf(options), key);
      loaded.set(key, data);
      return data;
    })();
    p.catch(() => loading.delete(key));
    loading.set(key, p);
  }
  return p;
}

/** `loadDictionaryData` with blocking reads (returns the loaded data at once when there is some). */
export function loadDictionaryDataSync(dicPath: string, options: DictionaryLoadOptions = {}): DictionaryData {
  const key = path.resolve(dicPath);
  const done = loaded.get(key);
  if (done) return done;
  const data = readDictionarySync(key, options);
  loaded.set(key, data);
  loading.set(key, Promise.resolve(data));
  return data;
}

/** The dictionary read now, with blocking reads, from its cache file or its `.dat.gz` files (not memoised). */
export function readDictionarySync(dicPath: string, options: DictionaryLoadOptions = {}): DictionaryData {
  const gz = {} as Record<FileName, Uint8Array>;
  for (const name of FILES) gz[name] = fs.readFileSync(path.join(dicPath, `${name}.dat.gz`));
  return fromFiles(
    gz,
    () => {
      const raw = {} as Record<FileName, Uint8Array>;
      for (const name of FILES) raw[name] = zlib.gunzipSync(gz[name], oneChunk(gz[name]));
      return raw;
    },
    cacheDirOf(options),
    dicPath,
  ) as DictionaryData;
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

/** The lattice arrays of each kuromoji token-info dictionary loaded from `DictionaryData`. */
export const latticeArraysOf = new WeakMap<object, LatticeArrays>();

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
  latticeArraysOf.set(dic.token_info_dictionary, data);
  dic.loadConnectionCosts(data.cc);
  dic.loadUnknownDictionaries(data.unk, data.unkPos, data.unkMap, data.unkChar, data.unkCompat, data.unkInvoke);
  return new KuromojiTokenizer(dic);
}
/* eslint-enable @typescript-eslint/no-require-imports */

/** The arrays `latticeArrays` derives, which the lattice (tokenizer.ts) reads instead of kuromoji's. */
export type LatticeArrays = Pick<DictionaryData, "trie" | "entries" | "wordStart" | "ccByLeft" | "wordEnds" | "idsByTenth" | "charTrie" | "codeIds" | "leftIds" | "rightIds">;

/**
 * The lattice's layouts of kuromoji's arrays, made once per dictionary (kept in its cache file and
 * shared with the workers, so no thread makes or holds a copy of its own):
 * - `trie`: the trie's base and check side by side (a step reads a node's check, then its base:
 *   one cache line instead of two far apart), for a dictionary with no `charTrie` (empty else);
 * - `entries`: every known entry that can be on a best path (`winnableEntries`), its left id,
 *   right id, cost and id (in two halves) in the target map's order, so the entries of a trie match
 *   are read one after the other instead of each from its own place in the 10 MB entry buffer;
 *   `wordStart` indexes them by trie value;
 * - `ccByLeft`: the connection costs by left id, then right id (kuromoji's are by right id): a
 *   node's predecessors are read from one row of 2.6 KB, not from one cache line each across 3.4 MB;
 *   with the ids renumbered most used first (`leftIds`, `rightIds`, see `idOrder`), as in `entries`;
 * - `wordEnds`: whether every word ends on a character (`wordsEndOnCharacters`); `idsByTenth`:
 *   whether every entry's id is a multiple of 10 (the features are then kept by `id / 10`);
 * - `charTrie` and `codeIds`: the trie by UTF-16 code unit (`charTrie`), when it does.
 */
export function latticeArrays(
  base: ArrayLike<number>,
  check: ArrayLike<number>,
  tid: Uint8Array,
  tmStart: ArrayLike<number>,
  tmIds: ArrayLike<number>,
  cc: ArrayLike<number>,
  buffer: (bytes: number) => ArrayBufferLike = (n) => new ArrayBuffer(n),
  shipped: ShippedLattice | null = null,
): LatticeArrays {
  // kuromoji's ByteBuffer.getShort: a little-endian signed 16-bit value.
  const short = (i: number) => ((tid[i] | (tid[i + 1] << 8)) << 16) >> 16;
  const wordEnds = new Uint8Array(buffer(8));
  wordEnds[0] = wordsEndOnCharacters(base, check) ? 1 : 0;
  const rows = cc[0];
  const dim = cc[1];
  // The layouts made when the extension was built, when they fit this dictionary (`readShippedLattice`).
  const ready = wordEnds[0] === 1 && shipped !== null && shipped.leftIds.length >= dim && shipped.rightIds.length >= rows ? shipped : null;
  let chars: Pick<ShippedLattice, "charTrie" | "codeIds"> | null = ready;
  let ids: Pick<ShippedLattice, "leftIds" | "rightIds"> | null = ready;
  if (!ids) {
    const made = wordEnds[0] === 1 ? charTrie(base, check, buffer) : null;
    chars = made;
    ids = idOrder(tid, tmStart, tmIds, made?.valueLength ?? null, dim, rows, buffer);
  }
  const { leftIds, rightIds } = ids;
  // The byte trie only when there is no character trie: the lattice then reads nothing else (and it
  // is 11 MB of every dictionary cache file's write, read and checksum).
  const trie = chars && chars.charTrie.length > 0 ? new Int32Array(buffer(8)).subarray(0, 0) : byteTrie(base, check, buffer);
  const all = new Int16Array(tmIds.length * 5);
  const idsByTenth = new Uint8Array(buffer(8));
  idsByTenth[0] = 1;
  for (let i = 0; i < tmIds.length; i++) {
    const id = tmIds[i];
    all[5 * i] = leftIds[short(id)];
    all[5 * i + 1] = rightIds[short(id + 2)];
    all[5 * i + 2] = short(id + 4);
    all[5 * i + 3] = id & 0xffff;
    all[5 * i + 4] = id >>> 16;
    if (id % 10 !== 0) idsByTenth[0] = 0;
  }
  const { wordStart, entries } = winnableEntries(tmStart, all, buffer);
  const ccByLeft = new Int16Array(buffer(Math.ceil((rows * dim * 2) / 8) * 8));
  for (let r = 0; r < rows; r++) for (let l = 0; l < dim; l++) ccByLeft[leftIds[l] * rows + rightIds[r]] = cc[2 + r * dim + l];
  return {
    trie,
    entries,
    wordStart,
    ccByLeft,
    wordEnds,
    idsByTenth,
    charTrie: chars?.charTrie ?? new Int32Array(buffer(8)).subarray(0, 0),
    codeIds: chars?.codeIds ?? new Uint16Array(buffer(8)).subarray(0, 0),
    leftIds,
    rightIds,
  };
}

/** kuromoji's double-array trie as the lattice's byte trie reads it: each node's base and check side by side. */
export function byteTrie(base: ArrayLike<number>, check: ArrayLike<number>, buffer: (bytes: number) => ArrayBufferLike = (n) => new ArrayBuffer(n)): Int32Array {
  const n = check.length;
  const trie = new Int32Array(buffer(Math.max(8, 8 * n))).subarray(0, 2 * n);
  for (let i = 0; i < n; i++) {
    trie[2 * i] = base[i];
    trie[2 * i + 1] = check[i];
  }
  return trie;
}

/**
 * The entries of each trie value (one surface: its nodes share start and length) that can be on a
 * best path: of those with the same left and right ids only the cheapest — the first of equal costs —
 * can (they have the same best predecessor, and as predecessors the same connection costs, so the
 * cheaper is always chosen first), and kuromoji's nodes for the others are never on its path.
 * `all` and `entries` five numbers per entry; `wordStart` indexes `entries` as `tmStart` does `all`.
 */
function winnableEntries(tmStart: ArrayLike<number>, all: Int16Array, buffer: (bytes: number) => ArrayBufferLike): { wordStart: Int32Array; entries: Int16Array } {
  const values = tmStart.length - 1;
  const wordStart = new Int32Array(buffer(Math.ceil((tmStart.length * 4) / 8) * 8)).subarray(0, tmStart.length);
  const kept = new Int16Array(all.length);
  let at = 0;
  for (let v = 0; v < values; v++) {
    wordStart[v] = at / 5;
    const first = 5 * tmStart[v];
    const last = 5 * tmStart[v + 1];
    for (let i = first; i < last; i += 5) {
      let beaten = false;
      for (let j = first; j < last && !beaten; j += 5) {
        if (j === i || all[j] !== all[i] || all[j + 1] !== all[i + 1]) continue;
        beaten = all[j + 2] < all[i + 2] || (all[j + 2] === all[i + 2] && j < i);
      }
      if (beaten) continue;
      for (let k = 0; k < 5; k++) kept[at + k] = all[i + k];
      at += 5;
    }
  }
  wordStart[values] = at / 5;
  const entries = new Int16Array(buffer(Math.ceil((at * 2) / 8) * 8)).subarray(0, at);
  entries.set(kept.subarray(0, at));
  return { wordStart, entries };
}

/**
 * The lattice's numbering of the connection ids (`leftIds[kuromoji's left id]`, `rightIds[…]`):
 * the ids most used first, so the connection costs a lattice reads most sit together at the start of
 * each row (22 reads per character on news text, over a 3.5 MB table that the rest of a file's work
 * evicts from the caches). How often an id is on a lattice node is estimated from the dictionary
 * alone: its entries, weighted by their surface's length to the -4 (one-character words are in
 * nearly every lattice). Id 0 (BOS and EOS) keeps 0. Costs are only compared, never the ids, so the
 * best path is the same.
 */
function idOrder(
  tid: Uint8Array,
  tmStart: ArrayLike<number>,
  tmIds: ArrayLike<number>,
  valueLength: Map<number, number> | null,
  dim: number,
  rows: number,
  buffer: (bytes: number) => ArrayBufferLike,
): { leftIds: Int16Array; rightIds: Int16Array } {
  const short = (i: number) => ((tid[i] | (tid[i + 1] << 8)) << 16) >> 16;
  const leftWeight = new Float64Array(dim);
  const rightWeight = new Float64Array(rows);
  if (valueLength) {
    for (const [v, len] of valueLength) {
      if (!(v >= 0 && v + 1 < tmStart.length && len > 0)) continue;
      const w = 1 / (len * len * len * len);
      for (let j = tmStart[v]; j < tmStart[v + 1]; j++) {
        const l = short(tmIds[j]);
        const r = short(tmIds[j] + 2);
        if (l >= 0 && l < dim) leftWeight[l] += w;
        if (r >= 0 && r < rows) rightWeight[r] += w;
      }
    }
  }
  const numbering = (weight: Float64Array) => {
    const order = Array.from({ length: weight.length }, (_, i) => i).sort((a, b) => (a === 0 ? -1 : b === 0 ? 1 : weight[b] - weight[a] || a - b));
    const ids = new Int16Array(buffer(Math.max(8, Math.ceil((weight.length * 2) / 8) * 8)));
    order.forEach((id, i) => (ids[id] = i));
    return ids;
  };
  return { leftIds: numbering(leftWeight), rightIds: numbering(rightWeight) };
}

/**
 * Whether every key of kuromoji's trie ends on a character of its UTF-8 (true of a dictionary built
 * from strings): the lattice then looks for word ends only there, not after every byte — a key that
 * matches the text's bytes from a character on and ends with a whole character ends on one of the
 * text's. For each terminal (a child by byte 0: node i's parent is check[i], its byte
 * i - base[check[i]]) the bytes above it are read back to their lead byte; any key ending inside a
 * character answers false, and every byte is tried, as kuromoji does.
 */
export function wordsEndOnCharacters(base: ArrayLike<number>, check: ArrayLike<number>): boolean {
  const n = check.length;
  for (let i = 1; i < n; i++) {
    const parent = check[i];
    if (parent <= 0 || parent >= n || base[parent] !== i) continue;
    let x = parent;
    let continuations = 0;
    for (;;) {
      const up = check[x];
      if (up < 0 || up >= n || x === 0) return false;
      const byte = x - base[up];
      if ((byte & 0xc0) === 0x80) {
        if (++continuations > 3 || up === 0) return false;
        x = up;
        continue;
      }
      const due = byte < 0x80 ? 0 : byte >= 0xc0 && byte < 0xe0 ? 1 : byte >= 0xe0 && byte < 0xf0 ? 2 : byte >= 0xf0 && byte < 0xf8 ? 3 : -1;
      if (due !== continuations) return false;
      break;
    }
  }
  return true;
}

/** A `charTrie` value slot with no word ending at the node. */
export const NO_WORD = -0x80000000;

/**
 * kuromoji's byte trie as a trie over UTF-16 code units (when every key ends on a character,
 * `wordsEndOnCharacters`): one double-array step per character, where the byte trie takes one per
 * UTF-8 byte (three for kana and kanji) and one more to find a word's end — each a cache line of a
 * 16 MB array, mostly out of the caches in a real index run. `codeIds[code]` is the code unit's
 * dense id (1 + its rank by how many keys' edges carry it, so the common characters' slots sit
 * together), 0 when no key has it. `charTrie` holds three numbers per slot: base, check (the parent
 * slot, -1 when free) and the node's value — the byte trie's `-base[terminal] - 1` of the word
 * ending there, `NO_WORD` when none. The root is slot 0. Keys with characters outside the BMP or
 * invalid UTF-8 are left out (no text the lattice walks can match them). Same keys, same values,
 * same order of word ends along a walk (shortest first), so the same lattice.
 */
export function charTrie(
  base: ArrayLike<number>,
  check: ArrayLike<number>,
  buffer: (bytes: number) => ArrayBufferLike = (n) => new ArrayBuffer(n),
): { charTrie: Int32Array; codeIds: Uint16Array; valueLength: Map<number, number> } {
  const n = check.length;
  // The byte trie's edges, children by parent (counting sort over one scan of the slots).
  const childStart = new Int32Array(n + 1);
  const isChild = (i: number) => {
    const p = check[i];
    return i !== 0 && p >= 0 && p < n && p !== i && base[p] <= i && i - base[p] < 256 && !(p === 0 && i - base[p] === 0);
  };
  for (let i = 0; i < n; i++) if (isChild(i)) childStart[check[i] + 1]++;
  for (let i = 0; i < n; i++) childStart[i + 1] += childStart[i];
  const fill = childStart.slice(0, n);
  const children = new Int32Array(childStart[n]);
  for (let i = 0; i < n; i++) if (isChild(i)) children[fill[check[i]]++] = i;
  const byteOf = (child: number) => child - base[check[child]];
  // Character-level nodes: each a byte-trie node at a character boundary; edges by code unit.
  const nodeOf: number[] = [0];
  const edgeFrom: number[] = [];
  const edgeCode: number[] = [];
  const edgeTo: number[] = [];
  const valueOf: number[] = [NO_WORD];
  const depthOf: number[] = [0];
  const uses = new Int32Array(0x10000);
  const valueAt = (s: number): number => {
    const term = base[s];
    if (!(term >= 0 && term < n && check[term] === s)) return NO_WORD;
    const tv = base[term];
    return tv <= 0 ? -tv - 1 : -1;
  };
  // Breadth first, so the nodes near the root (the most walked) get the first slots.
  let q = 0;
  const add = (code: number, c: number) => {
    edgeFrom.push(q);
    edgeCode.push(code);
    edgeTo.push(nodeOf.length);
    nodeOf.push(c);
    valueOf.push(valueAt(c));
    depthOf.push(depthOf[q] + 1);
    uses[code]++;
  };
  // The characters out of byte node `node` (a continuation byte's decoded code must be at least
  // `min`: no overlong forms, no surrogates).
  const visit = (node: number, code: number, more: number, min: number) => {
    for (let k = childStart[node]; k < childStart[node + 1]; k++) {
      const c = children[k];
      const b = byteOf(c);
      if (b === 0) continue; // the terminal
      if (more === 0) {
        if (b < 0x80) add(b, c);
        else if (b >= 0xc2 && b < 0xe0) visit(c, b & 0x1f, 1, 0x80);
        else if (b >= 0xe0 && b < 0xf0) visit(c, b & 0x0f, 2, 0x800);
      } else if ((b & 0xc0) === 0x80) {
        const code2 = (code << 6) | (b & 0x3f);
        if (more > 1) visit(c, code2, more - 1, min);
        else if (code2 >= min && !(code2 >= 0xd800 && code2 < 0xe000)) add(code2, c);
      }
    }
  };
  for (; q < nodeOf.length; q++) visit(nodeOf[q], 0, 0, 0);
  const codes: number[] = [];
  for (let c = 0; c < 0x10000; c++) if (uses[c] > 0) codes.push(c);
  codes.sort((a, b) => uses[b] - uses[a] || a - b);
  const codeIds = new Uint16Array(buffer(0x20000));
  codes.forEach((c, i) => (codeIds[c] = i + 1));
  // Double array: each node's children at base + id, the base the first that fits (free-slot list).
  const nodes = nodeOf.length;
  const edgeStart = new Int32Array(nodes + 1);
  for (let e = 0; e < edgeFrom.length; e++) edgeStart[edgeFrom[e] + 1]++;
  for (let i = 0; i < nodes; i++) edgeStart[i + 1] += edgeStart[i];
  let cap = nodes + 2 * codes.length + 2;
  let slotBase = new Int32Array(cap);
  let slotCheck = new Int32Array(cap).fill(-1);
  let slotValue = new Int32Array(cap).fill(NO_WORD);
  // The first free slot at or after i (slots are only ever taken: a union-find with path halving).
  let skip = new Int32Array(cap + 1);
  for (let i = 0; i <= cap; i++) skip[i] = i;
  const grow = (need: number) => {
    if (need <= cap) return;
    const c = Math.max(need, 2 * cap);
    const widen = (a: Int32Array, fill: number, extra = 0) => {
      const w = new Int32Array(c + extra).fill(fill);
      w.set(a.subarray(0, cap + extra));
      return w;
    };
    slotBase = widen(slotBase, 0);
    slotCheck = widen(slotCheck, -1);
    slotValue = widen(slotValue, NO_WORD);
    const old = skip;
    skip = widen(skip, 0, 1);
    for (let i = cap + 1; i <= c; i++) skip[i] = i;
    skip[cap] = old[cap];
    const oldWide = skipWide;
    skipWide = widen(skipWide, 0, 1);
    for (let i = cap + 1; i <= c; i++) skipWide[i] = i;
    skipWide[cap] = oldWide[cap];
    const m = new Uint8Array(c + 1);
    m.set(misses);
    misses = m;
    cap = c;
  };
  const slotOfNode = new Int32Array(nodes);
  slotCheck[0] = 0;
  slotValue[0] = valueOf[0];
  // The same for the slots still worth trying for a node with several children.
  let skipWide = new Int32Array(cap + 1);
  for (let i = 0; i <= cap; i++) skipWide[i] = i;
  let misses = new Uint8Array(cap + 1);
  const take = (i: number) => (skip[i] = skipWide[i] = i + 1);
  const wide = (i: number) => {
    while (skipWide[i] !== i) i = skipWide[i] = skipWide[skipWide[i]];
    return i;
  };
  take(0);
  const free = (i: number) => {
    while (skip[i] !== i) i = skip[i] = skip[skip[i]];
    return i;
  };
  let used = 1;
  const ids: number[] = [];
  const order: number[] = [];
  // Breadth first (the nodes near the root, the most walked, get the first slots), each node's
  // children at the first base that fits.
  for (let q = 0; q < nodes; q++) {
    const from = edgeStart[q];
    const to = edgeStart[q + 1];
    if (from === to) continue;
    ids.length = 0;
    order.length = 0;
    for (let e = from; e < to; e++) {
      ids.push(codeIds[edgeCode[e]]);
      order.push(e - from);
    }
    // (the edges of one node are distinct code units, so distinct ids)
    order.sort((x, y) => ids[x] - ids[y]);
    const lo = ids[order[0]];
    let b = 0;
    if (order.length === 1) {
      b = free(lo + 1) - lo;
      grow(b + lo + 1);
    }
    else {
      // A hole that 255 nodes with several children could not use is not tried again by such nodes
      // (one-child nodes still fill it): without that, each would try most of the holes.
      for (let f = wide(lo + 1); ; f = wide(f + 1)) {
        b = f - lo;
        grow(b + ids[order[order.length - 1]] + 1);
        let fits = true;
        for (let k = 1; k < order.length && fits; k++) fits = slotCheck[b + ids[order[k]]] === -1;
        if (fits) break;
        if (++misses[f] === 255) skipWide[f] = f + 1;
      }
    }
    const parent = slotOfNode[q];
    slotBase[parent] = b;
    for (let k = 0; k < order.length; k++) {
      const e = from + order[k];
      const t = b + ids[order[k]];
      slotCheck[t] = parent;
      take(t);
      slotValue[t] = valueOf[edgeTo[e]];
      slotOfNode[edgeTo[e]] = t;
      if (t + 1 > used) used = t + 1;
    }
  }
  const out = new Int32Array(buffer(Math.ceil((used * 12) / 8) * 8));
  for (let i = 0; i < used; i++) {
    out[3 * i] = slotBase[i];
    out[3 * i + 1] = slotCheck[i];
    out[3 * i + 2] = slotValue[i];
  }
  // The length in characters of each value's surface (for `idOrder`).
  const valueLength = new Map<number, number>();
  for (let q = 1; q < nodes; q++) if (valueOf[q] !== NO_WORD) valueLength.set(valueOf[q], depthOf[q]);
  return { charTrie: out.subarray(0, 3 * used), codeIds, valueLength };
}
