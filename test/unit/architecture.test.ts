/**
 * The code map's invariants (ARCHITECTURE.md), checked on the sources: the core imports no editor
 * or LSP types, and its modules import each other one way — in particular the ingestion pipeline
 * (find → read and decode → clean → keys → analyse → index → snapshot, driven from core/ingest and
 * core/host) has no cycle.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, normalize, relative } from "node:path";
import { test } from "node:test";

const core = join(__dirname, "..", "..", "server", "src", "core");

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith(".ts") ? [p] : [];
  });
}

/** Every relative import (value or type) of each file under core/. */
function importGraph(): Map<string, string[]> {
  const files = new Set(sources(core));
  const graph = new Map<string, string[]>();
  for (const f of files) {
    const deps: string[] = [];
    for (const m of readFileSync(f, "utf8").matchAll(/(?:import|export)\s[^;]*?from\s+"(\.[^"]+)"/gs)) {
      const target = normalize(join(dirname(f), m[1]));
      for (const c of [`${target}.ts`, join(target, "index.ts")]) if (files.has(c)) deps.push(c);
    }
    graph.set(f, deps);
  }
  return graph;
}

test("nothing under core/ imports VS Code or LSP types", () => {
  for (const f of sources(core)) {
    const text = readFileSync(f, "utf8");
    assert.doesNotMatch(text, /from\s+"(vscode|vscode-languageserver[^"]*|vscode-languageclient[^"]*)"/, relative(core, f));
  }
});

test("core modules import each other without cycles", () => {
  const graph = importGraph();
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const visit = (f: string) => {
    state.set(f, "open");
    stack.push(f);
    for (const d of graph.get(f) ?? []) {
      if (state.get(d) === "open") assert.fail(`import cycle: ${[...stack.slice(stack.indexOf(d)), d].map((x) => relative(core, x)).join(" → ")}`);
      if (!state.has(d)) visit(d);
    }
    stack.pop();
    state.set(f, "done");
  };
  for (const f of graph.keys()) if (!state.has(f)) visit(f);
});

test("the ingestion stages only look back along the pipeline", () => {
  const graph = importGraph();
  // Each stage may import the ones before it (and shared modules), never one after it.
  const stages = [
    ["corpus/corpusFiles.ts"],
    ["corpus/readSource.ts", "corpus/decode.ts"],
    ["corpus/cleanSource.ts", "corpus/boilerplate.ts", "corpus/html.ts", "corpus/frontMatter.ts", "corpus/metadata.ts"],
    ["corpus/citationKeys.ts"],
    ["text/analyze.ts"],
    ["index/corpusIndex.ts"],
    ["index/snapshot.ts"],
    ["ingest/fileJob.ts"],
    ["ingest/buildCorpus.ts"],
    ["host/coldBuild.ts", "host/warmStart.ts", "host/changes.ts"],
  ].map((list) => list.map((f) => join(core, f)));
  const stageOf = new Map<string, number>();
  stages.forEach((list, k) => list.forEach((f) => stageOf.set(f, k)));
  const reach = (from: string, seen = new Set<string>()): Set<string> => {
    for (const d of graph.get(from) ?? []) {
      if (seen.has(d)) continue;
      seen.add(d);
      reach(d, seen);
    }
    return seen;
  };
  for (const [f, k] of stageOf) {
    for (const d of reach(f)) {
      const j = stageOf.get(d);
      if (j !== undefined) assert.ok(j <= k, `${relative(core, f)} (stage ${k}) reaches ${relative(core, d)} (stage ${j})`);
    }
  }
});
