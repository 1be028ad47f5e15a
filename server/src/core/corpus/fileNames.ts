/**
 * File names that are not valid UTF-8 (a Shift_JIS name copied from an old Windows share, an EUC-JP
 * one from an old Unix server). Node reads such a name with U+FFFD in place of the bad bytes, so
 * the path it gives names no file and every later read fails with ENOENT. They are found here by
 * their raw bytes and described (read in the legacy encoding when one fits), so that the loader can
 * say what is wrong instead of "not found".
 */
import * as fs from "node:fs";
import * as fsp from "node:fs/promises";

/** The legacy encodings a Japanese file name comes in, tried in this order. */
const LEGACY_NAME_ENCODINGS: Array<[label: string, shown: string]> = [
  ["shift_jis", "Shift_JIS"],
  ["euc-jp", "EUC-JP"],
];

/**
 * How a bad name reads: `春野市.txt` read as Shift_JIS or EUC-JP, else its bytes escaped. A name is a
 * few bytes, read by the strict decoders; EUC-JP's kanji bytes are also valid Shift_JIS half-width
 * katakana (ｹﾁ), so the reading with fewer of them wins.
 */
export function describeName(raw: Buffer): string {
  const escaped = Array.from(raw, (b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, "0")}`)).join("");
  let best: { text: string; shown: string; halfWidth: number } | null = null;
  for (const [label, shown] of LEGACY_NAME_ENCODINGS) {
    let text: string;
    try {
      text = new TextDecoder(label, { fatal: true }).decode(raw);
    } catch {
      continue;
    }
    if (/[\u0000-\u001f\u007f]/.test(text)) continue;
    const halfWidth = (text.match(/[\uff61-\uff9f]/g) ?? []).length;
    if (!best || halfWidth < best.halfWidth) best = { text, shown, halfWidth };
  }
  return best ? `'${escaped}', which reads as '${best.text}' in ${best.shown}` : `'${escaped}'`;
}

function isValidUtf8(raw: Buffer): boolean {
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(raw);
    return true;
  } catch {
    return false;
  }
}

function badOf(raws: Buffer[], names: readonly string[]): Map<string, string> {
  const bad = new Map<string, string>();
  const wanted = new Set(names.filter((n) => n.includes("\ufffd")));
  for (const raw of raws) {
    if (isValidUtf8(raw)) continue;
    const lossy = raw.toString("utf8");
    if (wanted.has(lossy)) bad.set(lossy, describeName(raw));
  }
  return bad;
}

/** Among `names` read from `dir`, those whose real name is not valid UTF-8, each with its description. */
export async function badlyEncodedNames(dir: string, names: readonly string[]): Promise<Map<string, string>> {
  if (!names.some((n) => n.includes("\ufffd"))) return new Map();
  try {
    return badOf(await fsp.readdir(dir, { encoding: "buffer" }), names);
  } catch {
    return new Map();
  }
}

/** The same, synchronously. */
export function badlyEncodedNamesSync(dir: string, names: readonly string[]): Map<string, string> {
  if (!names.some((n) => n.includes("\ufffd"))) return new Map();
  try {
    return badOf(fs.readdirSync(dir, { encoding: "buffer" }), names);
  } catch {
    return new Map();
  }
}

/** The message for a file or folder skipped for its name. */
export function badNameMessage(description: string): string {
  return `skipped: the file name is not valid UTF-8 (${description}), so it cannot be opened by name; rename it to UTF-8 to include it`;
}
