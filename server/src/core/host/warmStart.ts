/**
 * The corpus host's warm start: the index snapshot (index/snapshot.ts) is read — file table, index
 * arrays, alias clusters — and the index made over sources that read their text and analysis from
 * it on demand. Files whose path, size and mtime are unchanged are not read at all; the rest are
 * handed to the change path (changes.ts). Also the rescue of a damaged snapshot record: that
 * source is reloaded from its file (the analysis from the per-file cache when it is there).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { loadSource, parsePublished } from "../corpus/loadCorpus";
import { CorpusIndex, Segment } from "../index/corpusIndex";
import { canonicalMemo, restoreAliasState, type LoadedSnapshot, type SourceRecord } from "../index/snapshot";
import { AliasTable } from "../text/entities";
import { loadTokenizerSync } from "../text/tokenizer";
import { analyseText, cacheKeyOf } from "../ingest/fileJob";
import type { BuildContext, ColdBuildArgs } from "./coldBuild";
import { assembleProblems, makeKeys, MentionNames, observeAll, readAliasText, readCatalogueOf, sha256, sourceOf, type FileSource, type FileState, type State } from "./fileTable";
import type { EventUnit } from "../model";

/** The state a snapshot describes (before any change since it was written). */
export async function fromSnapshot(ctx: BuildContext, args: ColdBuildArgs, snapshot: LoadedSnapshot): Promise<State> {
  const { header, records } = snapshot;
  const mentionNames = new MentionNames(header.mentionNames);
  const aliasYaml = args.aliasPath ? await readAliasText(args.aliasPath) : undefined;
  const files: FileState[] = header.files.map((f) => {
    const s = f.source;
    let source: FileSource | undefined;
    if (s) {
      // The snapshot's events stay columns until something reads them. Accessors of the literal,
      // not `defineProperty`, so the 10,000 sources stay fast objects of one shape.
      let events: EventUnit[] | undefined;
      source = {
        meta: s.meta,
        hash: s.hash,
        encoding: s.encoding,
        format: s.format,
        get rawEvents() {
          return (events ??= snapshot.eventsOf(s));
        },
        set rawEvents(v: EventUnit[]) {
          events = v;
        },
        mentions: snapshot.mentionIds.slice(s.mentions[0], s.mentions[1]),
        stored: { reader: records, range: s.record },
      };
    }
    return { abs: f.abs, rel: f.rel, size: f.size, mtimeMs: f.mtimeMs, problems: f.problems, source };
  });
  const accepted = files.filter((f) => f.source);
  const aliases = aliasYaml ? AliasTable.fromYaml(aliasYaml) : new AliasTable();
  if (!(header.aliases && restoreAliasState(aliases, header.aliases))) await observeAll(aliases, accepted, mentionNames);
  const keys = makeKeys(files);
  const memo = canonicalMemo(aliases);
  let state: State | undefined;
  const recover = (s: FileSource) => ctx.recover(() => state!, s);
  const sources = accepted.map((f) => sourceOf(f.source!, memo, recover));
  const problems = assembleProblems(header.globalProblems, files, keys.problems);
  state = {
    optionsKey: args.optionsKey,
    dir: args.dir,
    options: args.options,
    cache: args.cache,
    snapshotFile: args.snapshotFile,
    files,
    globalProblems: header.globalProblems,
    catalogue: await readCatalogueOf(args.dir),
    catalogueStat: args.catalogueStat,
    aliasPath: args.aliasPath,
    aliasStat: args.aliasStat,
    aliasYaml,
    aliasHash: aliasYaml ? sha256(aliasYaml) : "",
    aliases,
    mentionNames,
    accepted,
    index: CorpusIndex.fromSegment(sources, problems, Segment.fromData(snapshot.segment)),
    reader: records,
    patched: false,
    keyProblems: keys.problems,
  };
  return state;
}

/**
 * A source's record made again from its file, synchronously (a request is reading it): the file is
 * read and cleaned, its analysis taken from the per-file cache or made now with this thread's
 * dictionary. Throws when the file can no longer be loaded.
 */
export function recoverRecord(state: State, s: FileSource): SourceRecord {
  const file = s.meta.path;
  const rel = path.relative(state.dir, file).split(path.sep).join("/");
  const loaded = loadSource(fs.readFileSync(file), { path: file, relPath: rel, catalogue: state.catalogue.entries.get(rel) ?? null });
  const src = loaded.source;
  if (!src) throw new Error(`${file} can no longer be loaded`);
  const cached = state.cache ? state.cache.getSync(cacheKeyOf(state.cache, src, state.aliasHash)) : null;
  const analysis = cached ?? analyseText(src.text, src.body, parsePublished(src.meta.published), loadTokenizerSync(), { aliasYaml: state.aliasYaml });
  return { text: src.text, body: src.body, analysis };
}
