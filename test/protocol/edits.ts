// Applies LSP text edits to a string, as an editor does when the writer accepts a quick fix, a
// completion or a rename (edits given against the same original text, applied back to front).
import type { Range, TextEdit } from "vscode-languageserver-protocol";
import { positionToOffset } from "./lspClient";

export function applyEdits(text: string, edits: { range: Range; newText: string }[]): string {
  const sorted = edits
    .map((e) => ({ start: positionToOffset(text, e.range.start), end: positionToOffset(text, e.range.end), newText: e.newText }))
    .sort((a, b) => b.start - a.start || b.end - a.end);
  let out = text;
  for (const e of sorted) out = out.slice(0, e.start) + e.newText + out.slice(e.end);
  return out;
}

/** A snippet's plain text: tab stops and placeholders removed, escapes undone. */
export function snippetText(snippet: string): string {
  return snippet
    .replace(/\$\{\d+:([^}]*)\}/g, "$1")
    .replace(/\$\d+/g, "")
    .replace(/\\([\\$}])/g, "$1");
}

export type { TextEdit };

/** Percentiles of a list of durations (ms). */
export function percentiles(ms: number[]): { p50: number; p95: number; p99: number; max: number; n: number } {
  const s = [...ms].sort((a, b) => a - b);
  const at = (p: number) => s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
  const r = (x: number) => Math.round(x * 10) / 10;
  return { p50: r(at(50)), p95: r(at(95)), p99: r(at(99)), max: r(s[s.length - 1]), n: s.length };
}
