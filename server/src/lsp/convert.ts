/**
 * The one place core data becomes LSP data: offsets → positions (UTF-16, as LSP wants), findings →
 * diagnostics with related information pointing into the corpus.
 */
import { pathToFileURL } from "node:url";
import {
  DiagnosticSeverity,
  type Diagnostic,
  type DiagnosticRelatedInformation,
  type Range,
} from "vscode-languageserver/node";
import type { Finding } from "../core/check/finding";
import { LineIndex } from "../core/lineIndex";
import type { CorpusIndex } from "../core/index/corpusIndex";
import type { Severity, Span } from "../core/model";

export function toRange(lines: LineIndex, span: Span): Range {
  return { start: lines.positionAt(span.start), end: lines.positionAt(span.end) };
}

export function toSeverity(s: Severity): DiagnosticSeverity {
  switch (s) {
    case "error":
      return DiagnosticSeverity.Error;
    case "warning":
      return DiagnosticSeverity.Warning;
    case "information":
      return DiagnosticSeverity.Information;
    default:
      return DiagnosticSeverity.Hint;
  }
}

const sourceLines = new WeakMap<object, LineIndex>();

/** Line index of a corpus source's text, built once per source object. */
export function linesOfSource(index: CorpusIndex, key: string): LineIndex | undefined {
  const source = index.get(key);
  if (!source) return undefined;
  let lines = sourceLines.get(source);
  if (!lines) sourceLines.set(source, (lines = new LineIndex(source.text)));
  return lines;
}

export function toDiagnostic(f: Finding, lines: LineIndex, index: CorpusIndex): Diagnostic {
  const relatedInformation: DiagnosticRelatedInformation[] = [];
  for (const r of f.related) {
    const src = linesOfSource(index, r.key);
    if (!src) continue;
    relatedInformation.push({
      location: { uri: pathToFileURL(r.path).toString(), range: toRange(src, r.span) },
      message: `${r.message}: ${r.text.length > 120 ? r.text.slice(0, 119) + "…" : r.text}`,
    });
  }
  return {
    range: toRange(lines, f.span),
    severity: toSeverity(f.severity),
    code: f.code,
    source: "shutten",
    message: f.message,
    relatedInformation: relatedInformation.length ? relatedInformation : undefined,
    data: { fixes: f.fixes },
  };
}
