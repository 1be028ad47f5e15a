/**
 * Pipeline stage 1, read and decode: one corpus file's bytes (size limit, unreadable files) and
 * their text (encoding detection in decode.ts) with the content hash that keys the caches. Never
 * throws for a bad file: it is skipped with a problem that names the file and the reason.
 */
import { createHash } from "node:crypto";
import type { CorpusProblem } from "../model";
import type { CorpusFs } from "./corpusFs";
import { decodeBytes } from "./decode";

export const DEFAULT_MAX_FILE_BYTES = 16 * 1024 * 1024;

/** A corpus file's decoded text. */
export interface DecodedFile {
  text: string;
  encoding: string;
  /** SHA-256 of the file's bytes (hex). */
  hash: string;
}

export type Stage<T> = { ok: T; problems: CorpusProblem[] } | { ok: null; problems: CorpusProblem[] };

function skipped(path: string, message: string, code: string): Stage<never> {
  return { ok: null, problems: [{ path, message: `skipped: ${message}`, severity: "error", code }] };
}

/** Reads one file's bytes (size limit, read); never throws. */
export async function readFileBytes(abs: string, fs: CorpusFs, maxBytes: number): Promise<Stage<Uint8Array>> {
  try {
    let bytes: Uint8Array;
    if (fs.readFileWithin) {
      const read = await fs.readFileWithin(abs, maxBytes);
      if (!(read instanceof Uint8Array)) return skipped(abs, `file too large (${formatBytes(read.tooLarge)}; the limit is ${formatBytes(maxBytes)})`, "too-large");
      bytes = read;
    } else {
      const { size } = await fs.stat(abs);
      if (size > maxBytes) return skipped(abs, `file too large (${formatBytes(size)}; the limit is ${formatBytes(maxBytes)})`, "too-large");
      bytes = await fs.readFile(abs);
    }
    if (bytes.length > maxBytes) return skipped(abs, `file too large (${formatBytes(bytes.length)}; the limit is ${formatBytes(maxBytes)})`, "too-large");
    return { ok: bytes, problems: [] };
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    return skipped(abs, `cannot read file (${err.code ?? err.message})`, "unreadable");
  }
}

/** Decodes one file's bytes (empty, binary and undecodable files are skipped); pure. */
export function decodeFile(bytes: Uint8Array, path: string): Stage<DecodedFile> {
  if (bytes.length === 0) return skipped(path, "empty file (0 bytes)", "empty");
  const decoded = decodeBytes(bytes);
  if (!decoded.ok) return skipped(path, decoded.reason, decoded.code);
  const hash = createHash("sha256").update(bytes).digest("hex");
  return { ok: { text: decoded.text, encoding: decoded.encoding, hash }, problems: [] };
}

export function formatBytes(n: number): string {
  return n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MB` : n >= 1024 ? `${(n / 1024).toFixed(1)} KB` : `${n} bytes`;
}
