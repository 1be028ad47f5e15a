/**
 * The lattice layouts made when the extension is built (`lattice.dat.gz` beside the dictionary):
 * read back, they equal the layouts made at load; a damaged or foreign file is ignored.
 */
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { gunzipSync, gzipSync } from "node:zlib";
import { readDictionarySync, writeShippedLattice } from "../../server/src/core/text/dictionary";
import { crc32 } from "../../server/src/core/index/checksum";
import { kuromojiOf, kuromojiTokens } from "../../server/src/core/text/tokenizer";

const kuromojiDict = join(dirname(require.resolve("kuromoji/package.json")), "dict");
const LAYOUTS = ["charTrie", "codeIds", "leftIds", "rightIds", "entries", "ccByLeft", "trie"] as const;

function dictCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), "shutten-dict-"));
  cpSync(kuromojiDict, dir, { recursive: true });
  return dir;
}

/** Rewrites the shipped file with `edit` applied to its body (the arrays' checksums made to match). */
function rewriteShipped(dir: string, edit: (body: Buffer, header: { source: number; arrays: Record<string, [string, number, number, number]> }) => void): void {
  const file = join(dir, "lattice.dat.gz");
  const bytes = gunzipSync(readFileSync(file));
  const headerLength = bytes.readUInt32LE(8);
  const header = JSON.parse(bytes.toString("utf8", 16, 16 + headerLength));
  const body = Buffer.from(bytes.subarray(16 + headerLength));
  edit(body, header);
  const width: Record<string, number> = { i32: 4, u32: 4, i16: 2, u16: 2, u8: 1 };
  for (const entry of Object.values(header.arrays) as [string, number, number, number][]) entry[3] = crc32(body.subarray(entry[1], entry[1] + entry[2] * width[entry[0]]));
  const json = Buffer.from(JSON.stringify(header));
  const prefix = Buffer.from(bytes.subarray(0, 16));
  prefix.writeUInt32LE(json.length, 8);
  writeFileSync(file, gzipSync(Buffer.concat([prefix, json, body])));
}

test("the shipped lattice layouts equal the ones made at load, and tokenise the same", () => {
  const made = readDictionarySync(kuromojiDict, { cacheDir: null });
  const dir = dictCopy();
  try {
    writeShippedLattice(dir);
    const shipped = readDictionarySync(dir, { cacheDir: null });
    for (const name of LAYOUTS) assert.deepEqual(shipped[name], made[name], name);
    const text = "岸田文雄首相は１５日、東京都内で記者団に「経済対策を急ぐ」と語った。";
    assert.deepEqual(kuromojiTokens(kuromojiOf(shipped), text), kuromojiTokens(kuromojiOf(made), text));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the shipped file is what a load reads, when it names this dictionary", () => {
  const dir = dictCopy();
  try {
    writeShippedLattice(dir);
    // Two connection ids swapped in the shipped numbering: a load that reads the file shows them.
    rewriteShipped(dir, (body, header) => {
      const at = header.arrays.leftIds[1];
      const a = body.readInt16LE(at + 2);
      body.writeInt16LE(body.readInt16LE(at + 4), at + 2);
      body.writeInt16LE(a, at + 4);
    });
    const read = readDictionarySync(dir, { cacheDir: null });
    const made = readDictionarySync(kuromojiDict, { cacheDir: null });
    assert.equal(read.leftIds[1], made.leftIds[2]);
    assert.equal(read.leftIds[2], made.leftIds[1]);
    // Another dictionary's file (its source checksum differs) is not read.
    rewriteShipped(dir, (_, header) => (header.source = (header.source + 1) >>> 0));
    assert.deepEqual(readDictionarySync(dir, { cacheDir: null }).leftIds, made.leftIds);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a damaged shipped file is ignored and the layouts are made at load", () => {
  const made = readDictionarySync(kuromojiDict, { cacheDir: null });
  const dir = dictCopy();
  try {
    writeShippedLattice(dir);
    const file = join(dir, "lattice.dat.gz");
    const bytes = gunzipSync(readFileSync(file));
    bytes[bytes.length - 1] ^= 0xff; // the last array no longer matches its checksum
    writeFileSync(file, gzipSync(bytes));
    assert.deepEqual(readDictionarySync(dir, { cacheDir: null }).charTrie, made.charTrie);
    writeFileSync(file, "not gzip at all");
    assert.deepEqual(readDictionarySync(dir, { cacheDir: null }).charTrie, made.charTrie);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
