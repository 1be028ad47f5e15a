/**
 * The corpus host's full build: every file through the pipeline (ingest/buildCorpus.ts: workers,
 * per-file cache), the index's base segment built and the mentions counted as the answers arrive,
 * and the index snapshot written as it goes — each source's record is appended to the snapshot's
 * temp file the moment it is analysed and its text and analysis dropped, so this thread holds only
 * the file table and the index arrays. The sources of the new index are read back from the
 * snapshot on demand.
 *
 * When no snapshot can be written (no usable cache folder, a full disk), the sources are kept in
 * memory instead.
 */
import type { CorpusFile } from "../corpus/corpusFiles";
import type { RawSource } from "../corpus/loadCorpus";
import type { AnalysisCache } from "../index/cache";
import { TOOL_VERSION } from "../index/cache";
import { CorpusIndex, SegmentBuilder } from "../index/corpusIndex";
import { aliasStateSteps, canonicalMemo, EventEncoder, SnapshotWriter, type RecordReader, type SnapshotFile, type SourceRecord } from "../index/snapshot";
import type { CorpusProblem, IndexedSource } from "../model";
import { AliasTable } from "../text/entities";
import type { Tokenizer } from "../text/tokenizer";
import { analysisVersion, ingestCorpus, prepareBuild, startIngestionPool, type BuildSetup } from "../ingest/buildCorpus";
import type { FileResult } from "../ingest/fileJob";
import { defaultWorkerCount, type WorkerPool } from "../ingest/workerPool";
import {
  assembleProblems,
  catalogueOrphans,
  makeKeysInSlices,
  MentionNames,
  readCatalogueOf,
  slicer,
  sourceOf,
  type FileSource,
  type FileState,
  type HostOptions,
  type State,
} from "./fileTable";
import { backgroundTurn } from "../backgroundWork";

export interface BuildContext {
  log: (level: "info" | "warn" | "error", message: string) => void;
  progress: (done: number, total: number) => void;
  tokenizer: () => Promise<Tokenizer>;
  /** Rebuilds a source's record from its file (a damaged snapshot record). */
  recover: (state: () => State, s: FileSource) => SourceRecord;
  /**
   * An index already answers requests (a rebuild, not the first build): one core is left to this
   * thread, which serves them while the workers analyse.
   */
  background?: boolean;
  /**
   * False when nothing searches the index while it is made ready (the CLI): its BM25 postings are
   * then left to the first search instead of being built, in slices, before the index is ready.
   */
  servesRequests?: boolean;
}

export interface ColdBuildArgs {
  options: HostOptions;
  /** The corpus as the host just listed it (see `LoadCorpusOptions.listed`), when it did. */
  listed?: { files: CorpusFile[]; problems: CorpusProblem[] };
  /** The setup and workers started before the listing (`prepareColdBuild`), when the host did. */
  early?: EarlyBuild;
  optionsKey: string;
  dir: string;
  cache: AnalysisCache | null;
  snapshotFile: string | null;
  aliasPath: string | null;
  catalogueStat: State["catalogueStat"];
  aliasStat: State["aliasStat"];
}

/** A cold build's setup and workers, started before the corpus is listed. */
export interface EarlyBuild {
  setup: BuildSetup;
  pool: WorkerPool | null;
}

function buildWorkers(ctx: BuildContext): number {
  return ctx.background ? Math.max(1, defaultWorkerCount() - 1) : defaultWorkerCount();
}

/**
 * What a cold build needs before it has the corpus's files — its setup and its ingestion workers —
 * started when the host knows one is coming (no snapshot to start from), so the workers load their
 * code while the host lists the corpus. `coldBuild` closes the workers; so must a caller that ends up
 * not calling it.
 */
export async function prepareColdBuild(ctx: BuildContext, args: Pick<ColdBuildArgs, "options" | "dir" | "cache">): Promise<EarlyBuild> {
  const { options, dir } = args;
  const setup = await prepareBuild({ corpusDir: dir, include: options.include, exclude: options.exclude, cache: args.cache, aliasFile: options.aliasFile });
  return { setup, pool: startIngestionPool(setup, buildWorkers(ctx)) };
}

/** Builds the whole corpus (analyses from the per-file cache where they are) into a new state. */
export async function coldBuild(ctx: BuildContext, args: ColdBuildArgs): Promise<{ state: State; analysed: number; cached: number }> {
  let writer: SnapshotWriter | null;
  try {
    writer = args.snapshotFile ? await SnapshotWriter.open(args.snapshotFile) : null;
  } catch (e) {
    await args.early?.pool?.close();
    throw e;
  }
  const built = await buildInto(ctx, args, writer);
  if (built) return built;
  // The snapshot could not be written part way (its records are gone with it): once more, in memory
  // (with workers of its own: the first build's are closed).
  ctx.log("warn", `shutten: could not write the index snapshot ${args.snapshotFile}; the corpus is kept in memory`);
  return (await buildInto(ctx, { ...args, early: undefined }, null))!;
}

async function buildInto(ctx: BuildContext, args: ColdBuildArgs, writer: SnapshotWriter | null): Promise<{ state: State; analysed: number; cached: number } | null> {
  const { options, dir } = args;
  const setup = args.early?.setup ?? (await prepareBuild({ corpusDir: dir, include: options.include, exclude: options.exclude, cache: args.cache, aliasFile: options.aliasFile }));
  const aliases = setup.aliasYaml ? AliasTable.fromYaml(setup.aliasYaml) : new AliasTable();
  const mentionNames = new MentionNames([]);
  const segment = new SegmentBuilder();
  let files: FileState[] = [];
  let catalogue: Awaited<ReturnType<typeof readCatalogueOf>> | undefined;
  let walkProblems: CorpusProblem[] = [];
  const digest = writer !== null;
  // The snapshot's event columns, made as the answers arrive (in corpus order, as the header lists the sources).
  const events = new EventEncoder();

  // Mentions per mention name: ids are given in the order names are first met, so observing each
  // name once with its count, in id order, after the last answer makes the alias table that
  // observing every mention as it arrives makes (one observation per name, not per mention).
  let mentionCounts = new Int32Array(1024);
  const countMentions = (ids: Int32Array) => {
    for (let k = 0; k < ids.length; k++) {
      const id = ids[k];
      if (id >= mentionCounts.length) {
        const n = new Int32Array(Math.max(mentionCounts.length * 2, id + 1));
        n.set(mentionCounts);
        mentionCounts = n;
      }
      mentionCounts[id]++;
    }
  };

  // Each answer is added to the segment here; in slices, so requests are read between them.
  const breatheTake = slicer();
  const take = async (i: number, r: FileResult) => {
    await breatheTake();
    const f = files[i];
    f.problems = [...r.problems];
    const src: RawSource | null = r.source;
    if (!src) return;
    if (r.error !== undefined) f.problems.push({ path: src.meta.path, message: `analysis failed: ${r.error}`, severity: "error", code: "analysis" });
    const base = { meta: src.meta, hash: src.hash, encoding: src.encoding, format: src.format };
    if (r.digest) {
      const range = await writer!.append(r.digest.record);
      events.add(r.digest.events);
      // (In steps: a huge article's trigrams, or the trigram table's doubling, between requests.)
      for (const _ of segment.addInputSteps(r.digest.segment)) await breatheTake();
      const mentions = mentionNames.ofNames(r.digest.mentions);
      countMentions(mentions);
      // Without a range the writer failed: this build is abandoned (see `coldBuild`).
      f.source = { ...base, rawEvents: r.digest.events, mentions, ...(range ? { stored: { reader: null as unknown as RecordReader, range } } : {}) };
    } else if (r.analysis) {
      const a = r.analysis;
      segment.add({ text: src.text, sentences: a.sentences });
      const mentions = mentionNames.of(a.entities);
      countMentions(mentions);
      f.source = { ...base, rawEvents: a.events, mentions, fresh: { text: src.text, body: src.body, analysis: a } };
    }
  };

  const ingested = await ingestCorpus(
    { corpusDir: dir, include: options.include, exclude: options.exclude, cache: setup.cache, workers: buildWorkers(ctx), tokenizer: ctx.tokenizer, stat: true, listed: args.listed, onProgress: (done, total) => ctx.progress(done, total) },
    setup,
    {
      ...(args.early ? { pool: args.early.pool } : {}),
      digest,
      keepResults: false,
      onFound: (found) => {
        files = found.files.map((f) => ({ ...f, problems: [] }));
        // A file's text has at most a character per byte (fewer in UTF-8 Japanese, about a third;
        // half is a middle guess for markup and mixed text): the index's lists are made once.
        let bytes = 0;
        for (const f of files) bytes += f.size || 0;
        segment.expect(bytes / 2);
        catalogue = found.catalogue;
        walkProblems = found.problems;
      },
      onFile: take,
    },
  );
  if (writer && !writer.ok) return null;

  const globalProblems = [...walkProblems, ...catalogueOrphans(catalogue!, files, dir), ...setup.problems];
  if (setup.cache && setup.cache.stats.writeErrors > 0) {
    const n = setup.cache.stats.writeErrors;
    globalProblems.push({ path: setup.cache.dir, message: `could not write ${n} cache entr${n === 1 ? "y" : "ies"}`, severity: "warning", code: "cache" });
  }
  // What is left runs once on this thread, a step at a time: requests are answered between steps.
  const pause = backgroundTurn;
  await pause();
  const breatheObserve = slicer();
  for (let id = 0; id < mentionNames.names.length; id++) {
    const [type, text] = mentionNames.splitOne(id);
    aliases.observe(text, type as never, mentionCounts[id]);
    if ((id & 255) === 255) await breatheObserve();
  }
  const keys = await makeKeysInSlices(files);
  const accepted = files.filter((f) => f.source);
  await pause();
  const seg = await segment.finishInSlices(slicer(), ctx.servesRequests !== false);
  await pause();

  let reader: RecordReader | null = null;
  if (writer) {
    const breatheFinish = slicer();
    let mentionCount = 0;
    for (const f of accepted) mentionCount += f.source!.mentions.length;
    const mentionIds = new Int32Array(mentionCount);
    let at = 0;
    const snapshotFiles: SnapshotFile[] = new Array(files.length);
    for (let i = 0; i < files.length; i++) {
      const f = files[i];
      const s = f.source;
      const out: SnapshotFile = { rel: f.rel, abs: f.abs, size: f.size, mtimeMs: f.mtimeMs, problems: f.problems };
      if (s) {
        mentionIds.set(s.mentions, at);
        out.source = { meta: s.meta, hash: s.hash, encoding: s.encoding, format: s.format, events: s.rawEvents, mentions: [at, at + s.mentions.length], record: s.stored!.range };
        at += s.mentions.length;
      }
      snapshotFiles[i] = out;
      if ((i & 511) === 511) await breatheFinish();
    }
    await pause();
    const aliasSteps = aliasStateSteps(aliases);
    let aliasStep = aliasSteps.next();
    while (!aliasStep.done) {
      await breatheFinish();
      aliasStep = aliasSteps.next();
    }
    const segment = seg.toData();
    await pause();
    reader = await writer.finish({
      header: {
        tool: TOOL_VERSION,
        analysis: analysisVersion(),
        optionsKey: args.optionsKey,
        catalogue: args.catalogueStat,
        aliasFile: args.aliasStat,
        globalProblems,
        files: snapshotFiles,
        mentionNames: mentionNames.names,
        aliases: aliasStep.value,
      },
      segment,
      mentionIds,
      events: events.finish(),
    }, breatheFinish);
    if (!reader) return null;
    for (const f of accepted) f.source!.stored!.reader = reader;
  }

  await pause();
  const problems = assembleProblems(globalProblems, files, keys.problems);
  for (const p of problems) ctx.log(p.severity === "error" ? "error" : "warn", `shutten: ${p.path}: ${p.message}`);
  const memo = canonicalMemo(aliases);
  let state: State | undefined;
  const recover = (s: FileSource) => ctx.recover(() => state!, s);
  // One source object per file, in slices: a rebuild's old index keeps answering requests meanwhile.
  const sources: IndexedSource[] = new Array(accepted.length);
  const breathe = slicer();
  for (let i = 0; i < accepted.length; i++) {
    sources[i] = sourceOf(accepted[i].source!, memo, recover);
    if ((i & 255) === 0) await breathe();
  }
  state = {
    optionsKey: args.optionsKey,
    dir,
    options,
    cache: setup.cache,
    snapshotFile: reader ? args.snapshotFile : null,
    files,
    globalProblems,
    catalogue: catalogue!,
    catalogueStat: args.catalogueStat,
    aliasPath: args.aliasPath,
    aliasStat: args.aliasStat,
    aliasYaml: setup.aliasYaml,
    aliasHash: setup.aliasHash,
    aliases,
    mentionNames,
    accepted,
    index: CorpusIndex.fromSegment(sources, problems, seg),
    reader,
    patched: false,
    keyProblems: keys.problems,
  };
  return { state, analysed: ingested.stats.analysed, cached: ingested.stats.fromCache };
}
