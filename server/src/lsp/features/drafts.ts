/**
 * Drafts as the navigation handlers need them: the parse of an open document (cached per version,
 * so hover, links, symbols and tokens on one edit parse once), and every Markdown draft of a
 * project — open documents from the editor, the rest read from disk — for references and rename.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { TextDocument } from "vscode-languageserver-textdocument";
import { decodeBytes } from "../../core/corpus/decode";
import type { ParsedDraft } from "../../core/draft/draftModel";
import { parseDraft } from "../../core/draft/parseDraft";
import type { Project, ServerContext } from "../server";

const parsed = new Map<string, { version: number; draft: ParsedDraft }>();

/** The parse of an open document at its current version (a reopened document restarts at version 1, so the text is compared too). */
export function parsedDraftOf(doc: TextDocument): ParsedDraft {
  const hit = parsed.get(doc.uri);
  const text = doc.getText();
  if (hit && hit.version === doc.version && hit.draft.text === text) return hit.draft;
  const draft = parseDraft(text);
  parsed.set(doc.uri, { version: doc.version, draft });
  if (parsed.size > 64) parsed.delete(parsed.keys().next().value as string);
  return draft;
}

export function uriToPath(uri: string): string | null {
  try {
    return uri.startsWith("file:") ? fileURLToPath(uri) : null;
  } catch {
    return null;
  }
}

export function pathToUri(path: string): string {
  return pathToFileURL(path).toString();
}

/** Folders never searched for drafts. */
const SKIP = new Set(["node_modules", "dist", "out", "test-results"]);
const MAX_FILES = 20_000;
const MAX_BYTES = 4 * 1024 * 1024;

/** Markdown files under `root`, skipping dot folders, node_modules, build output and the corpus. */
export function findDraftFiles(root: string, isCorpusFile: (path: string) => boolean): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    if (out.length >= MAX_FILES) return;
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return;
    }
    for (const name of names.sort()) {
      if (name.startsWith(".") || SKIP.has(name)) continue;
      const p = join(dir, name);
      let st;
      try {
        st = statSync(p);
      } catch {
        continue;
      }
      if (st.isDirectory()) {
        if (!isCorpusFile(p + sep + "x")) walk(p);
      } else if (/\.(md|markdown)$/i.test(name) && st.size <= MAX_BYTES && !isCorpusFile(p)) out.push(p);
    }
  };
  walk(root);
  return out;
}

/** Every draft of the project: open documents as the editor has them, the others from disk. */
export function* projectDrafts(ctx: ServerContext, project: Project, mustContain?: string): Generator<{ uri: string; text: string }> {
  const seen = new Set<string>();
  for (const doc of ctx.documents.all()) {
    const path = uriToPath(doc.uri);
    if (ctx.projectFor(doc.uri) !== project || (path && project.isCorpusFile(path))) continue;
    if (doc.languageId !== "markdown" && !/\.(md|markdown)$/i.test(doc.uri)) continue;
    seen.add(path ?? doc.uri);
    const text = doc.getText();
    if (!mustContain || text.includes(mustContain)) yield { uri: doc.uri, text };
  }
  for (const path of findDraftFiles(project.root, (p) => project.isCorpusFile(p))) {
    if (seen.has(path)) continue;
    // Read as the CLI reads drafts: any encoding detected; a binary or undecodable file is no draft.
    let text: string;
    try {
      const decoded = decodeBytes(readFileSync(path));
      if (!decoded.ok) continue;
      text = decoded.text;
    } catch {
      continue;
    }
    if (!mustContain || text.includes(mustContain)) yield { uri: pathToUri(path), text };
  }
}
