// The command line as scripts and CI use it: `check` in every format with SPEC's exit codes,
// `sources` and `inspect` shapes, and clear usage errors. Runs the built dist/cli.js.
import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { appendFileSync, cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import iconv from "iconv-lite";
import { repoRoot, sampleSources } from "./lspClient";

const cli = join(repoRoot, "dist", "cli.js");
let dir: string;
let cacheDir: string;

function run(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) {
  const r = spawnSync(process.execPath, [cli, ...args], {
    cwd: options.cwd ?? repoRoot,
    encoding: "utf8",
    env: { ...process.env, SHUTTEN_CACHE_DIR: cacheDir, LANG: "C", LC_ALL: "", SHUTTEN_LANG: "", ...options.env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("shutten CLI", () => {
  let nikkei: string;
  let bad: string;
  let good: string;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), "shutten-cli-"));
    cacheDir = join(dir, "cache");
    nikkei = sampleSources().find((s) => s.path.includes("002_"))!.key;
    bad = join(dir, "bad.md");
    good = join(dir, "good.md");
    writeFileSync(bad, `# メモ\n\nレビット氏は「トランプ大統領は両当事者にいつもいらだっている」と述べた[@${nikkei}]。\n\n別の記事[@nosuch-key]。\n`);
    writeFileSync(good, `# メモ\n\nプーチン氏は11日、ウィットコフ特使と会談した[@${nikkei}]。\n`);
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  it("text format: one `file:line:col severity code message` line per problem, exit 1", () => {
    const r = run(["check", "--corpus", "corpus", bad]);
    assert.equal(r.code, 1);
    const lines = r.stdout.trim().split("\n");
    assert.ok(lines.some((l) => /bad\.md:3:\d+ warning quote-mismatch /.test(l)), r.stdout);
    assert.ok(lines.some((l) => /bad\.md:5:\d+ error unknown-source /.test(l)), r.stdout);
  });

  it("reference libraries: the draft's bibliography: and --bibliography FILE; library problems on stderr with file and line", () => {
    // Its own folder: another test walks `dir` for drafts.
    const lib = join(dir, "..", `${dir.split("/").pop()}-library`);
    mkdirSync(lib, { recursive: true });
    const bib = join(lib, "refs.bib");
    const extra = join(lib, "extra.json");
    writeFileSync(bib, "@book{plokhy2015,\n  author = {Plokhy, Serhii},\n  title = {The Gates of Europe},\n  year = {2015}\n}\n\n@book{broken1,\n  title {x}\n}\n");
    writeFileSync(extra, JSON.stringify([{ id: "sakwa2015", type: "book", title: "Frontline Ukraine" }]));
    const draft = join(lib, "lib.md");
    writeFileSync(draft, `---\nbibliography: refs.bib\n---\n\n本[@plokhy2015]と[@sakwa2015]と[@${nikkei}]。未知[@nosuch2099]。\n`);
    const r = run(["check", "--corpus", "corpus", "--bibliography", extra, "--format", "json", draft]);
    const unknown = JSON.parse(r.stdout).filter((d: { code: string }) => d.code === "unknown-source");
    assert.equal(unknown.length, 1, r.stdout);
    assert.match(unknown[0].message, /nosuch2099/);
    assert.match(r.stderr, /refs\.bib:8: error: Bibliography entry 'broken1': a field has no "="/, r.stderr);
    const without = run(["check", "--corpus", "corpus", "--format", "json", draft]);
    assert.equal(JSON.parse(without.stdout).filter((d: { code: string }) => d.code === "unknown-source").length, 2, "sakwa2015 needs --bibliography");
    assert.equal(run(["check", "--corpus", "corpus", "--bibliography", join(lib, "nowhere.bib"), draft]).code, 2);
    rmSync(lib, { recursive: true, force: true });
  });

  it("json format: LSP ranges (0-based lines, UTF-16 columns) and the contract's fields", () => {
    const r = run(["check", "--corpus", "corpus", "--format", "json", bad]);
    const list = JSON.parse(r.stdout);
    const m = list.find((d: { code: string }) => d.code === "quote-mismatch");
    assert.deepEqual(Object.keys(m).sort(), ["code", "file", "message", "range", "severity"]);
    assert.equal(m.range.start.line, 2);
    assert.equal(m.range.start.character, "レビット氏は「".length);
    assert.equal(m.severity, "warning");
  });

  it("sarif format: a SARIF 2.1.0 log with one result per problem", () => {
    const sarif = JSON.parse(run(["check", "--corpus", "corpus", "--format", "sarif", bad]).stdout);
    assert.equal(sarif.version, "2.1.0");
    assert.ok(sarif.runs[0].results.some((x: { ruleId: string }) => x.ruleId === "unknown-source"));
    assert.equal(sarif.runs[0].results[0].locations[0].physicalLocation.region.startLine, 3);
  });

  it("github format: workflow annotations", () => {
    const out = run(["check", "--corpus", "corpus", "--format", "github", bad]).stdout;
    assert.match(out, /^::warning file=.*bad\.md,line=3,col=\d+.*::Misquote/m);
    assert.match(out, /^::error file=.*bad\.md,line=5/m);
  });

  it("a clean draft exits 0 and prints nothing", () => {
    const r = run(["check", "--corpus", "corpus", good]);
    assert.equal(r.stdout, "");
    assert.equal(r.code, 0);
  });

  it("a folder is walked for Markdown drafts", () => {
    const r = run(["check", "--corpus", "corpus", "--format", "json", dir]);
    const files = new Set(JSON.parse(r.stdout).map((d: { file: string }) => d.file.split("/").pop()));
    assert.deepEqual([...files], ["bad.md"]);
  });

  it("Japanese messages with --lang ja", () => {
    assert.match(run(["check", "--corpus", "corpus", "--lang", "ja", bad]).stdout, /引用の不一致/);
  });

  it("usage and I/O errors exit 2 with a message on stderr", () => {
    for (const args of [["check"], ["check", "--format", "xml", bad], ["check", "--corpus", "no-such-dir", bad], ["check", "--corpus", "corpus", join(dir, "missing.md")], ["frobnicate"]]) {
      const r = run(args);
      assert.equal(r.code, 2, `${args.join(" ")}: ${r.stdout}${r.stderr}`);
      assert.match(r.stderr, /shutten/);
    }
  });

  it("sources --json lists key, path, title, outlet, published, url for every sample article", () => {
    const list = JSON.parse(run(["sources", "--corpus", "corpus", "--json"]).stdout);
    assert.equal(list.length, 4);
    for (const s of list) assert.deepEqual(Object.keys(s).sort(), ["key", "outlet", "path", "published", "title", "url"]);
    assert.ok(list.every((s: { path: string }) => s.path.startsWith("corpus/")));
  });

  it("index: no progress noise for a small corpus in a pipe, then a later check starts from its snapshot and writes nothing", () => {
    const corpus = join(dir, "own-corpus");
    cpSync(join(repoRoot, "corpus"), corpus, { recursive: true });
    const own = join(dir, "own-cache");
    const runOwn = (args: string[]) => {
      const r = spawnSync(process.execPath, [cli, ...args], { cwd: repoRoot, encoding: "utf8", env: { ...process.env, SHUTTEN_CACHE_DIR: own, LANG: "C" } });
      return { code: r.status, stdout: r.stdout, stderr: r.stderr };
    };
    const r = runOwn(["index", "--corpus", corpus]);
    assert.equal(r.code, 0, r.stderr);
    // Four files: no progress lines in a log (tenths of a large corpus: test/unit/progress.test.ts).
    const progress = r.stderr.split("\n").filter((l) => l.startsWith("indexing:"));
    assert.deepEqual(progress, [], r.stderr);
    assert.match(r.stderr, /indexed 4 sources in \d+ ms: 4 analysed, 0 from cache/);
    const listing = () =>
      readdirSync(own, { recursive: true, withFileTypes: true })
        .filter((e) => e.isFile())
        .map((e) => `${join(e.parentPath ?? (e as unknown as { path: string }).path, e.name)} ${statSync(join(e.parentPath ?? (e as unknown as { path: string }).path, e.name)).mtimeMs}`)
        .sort();
    const before = listing();
    assert.ok(before.some((l) => /\.snap /.test(l)), "index leaves an index snapshot");
    const check = runOwn(["check", "--corpus", corpus, "--format", "json", bad]);
    assert.equal(check.code, 1);
    assert.ok(JSON.parse(check.stdout).some((d: { code: string }) => d.code === "quote-mismatch"));
    assert.deepEqual(listing(), before, "a warm check reads the snapshot and the cache, and writes neither");
    // One article changes: index re-analyses it alone and folds it into a new snapshot.
    appendFileSync(join(corpus, "003_da387fb42327dcfe.txt"), "\n追記:ペスコフ氏は「協議は続く」と述べた。\n");
    const again = runOwn(["index", "--corpus", corpus, "--quiet"]);
    assert.match(again.stderr, /indexed 4 sources in \d+ ms: 1 analysed, 3 from cache/);
    assert.doesNotMatch(again.stderr, /indexing:/);
    const warm = runOwn(["index", "--corpus", corpus]);
    assert.match(warm.stderr, /indexed 4 sources in \d+ ms: 0 analysed, 4 from cache/);
  });

  it("inspect --json KEY shows the speech quotes with their speakers", () => {
    const [src] = JSON.parse(run(["inspect", "--corpus", "corpus", "--json", nikkei]).stdout);
    assert.equal(src.key, nikkei);
    const q = src.quotes.find((x: { text: string }) => x.text === "トランプ大統領は両当事者にいつもいら立っている");
    assert.equal(q.kind, "speech");
    assert.equal(q.speaker, "レビット");
    assert.ok(src.events.some((e: { date: string; predicate: string }) => e.date === "2025-04-11" && e.predicate === "会談"));
  });

  describe("as people use it", () => {
    let project: string;
    const misquote = () => `# メモ\n\nレビット氏は「トランプ大統領は両当事者にいつもいらだっている」と述べた[@${nikkei}]。\n`;

    before(() => {
      project = join(dir, "project");
      cpSync(join(repoRoot, "corpus"), join(project, "corpus"), { recursive: true });
      mkdirSync(join(project, "drafts", "2025"), { recursive: true });
      writeFileSync(join(project, "drafts", "2025", "draft.md"), misquote());
    });

    it("finds the project's corpus from a subfolder, as linters find their config, and says which", () => {
      for (const [cwd, target] of [
        [join(project, "drafts", "2025"), "draft.md"],
        [join(project, "drafts"), "2025/draft.md"],
        [project, "drafts"],
      ]) {
        const r = run(["check", target], { cwd });
        assert.equal(r.code, 1, `${cwd} ${target}: ${r.stderr}`);
        assert.match(r.stdout, /draft\.md:3:\d+ warning quote-mismatch /);
        if (cwd !== project) assert.match(r.stderr, /using the corpus (\.\.\/)+corpus \(found from/);
      }
      // From the project folder with ./corpus, as before: nothing to say.
      assert.equal(run(["check", "drafts"], { cwd: project }).stderr, "");
      // sources and inspect find it the same way.
      assert.equal(JSON.parse(run(["sources", "--json"], { cwd: join(project, "drafts") }).stdout).length, 4);
    });

    it("a folder holding a sources.yaml is a corpus too", () => {
      const flat = join(dir, "flat");
      cpSync(join(repoRoot, "corpus"), flat, { recursive: true });
      writeFileSync(join(flat, "draft.md"), misquote());
      const r = run(["check", "draft.md"], { cwd: flat });
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, /using the corpus \. /);
    });

    it("with no corpus anywhere above, says where it looked (exit 2)", () => {
      const lonely = mkdtempSync(join(tmpdir(), "shutten-nocorpus-"));
      writeFileSync(join(lonely, "draft.md"), misquote());
      const r = run(["check", "draft.md"], { cwd: lonely });
      assert.equal(r.code, 2);
      assert.match(r.stderr, /no corpus found: no folder from \. up holds a 'corpus' folder or a sources\.yaml/);
      rmSync(lonely, { recursive: true, force: true });
    });

    it("in Japanese (--lang ja or a Japanese LANG) the severity words are Japanese; codes and JSON/SARIF fields are not", () => {
      for (const [args, env] of [[["--lang", "ja"], {}], [[], { LANG: "ja_JP.UTF-8" }]] as const) {
        const text = run(["check", "--corpus", "corpus", ...args, bad], { env }).stdout;
        assert.match(text, /bad\.md:3:\d+ 警告 quote-mismatch 引用の不一致/);
        assert.match(text, /bad\.md:5:\d+ エラー unknown-source /);
        assert.doesNotMatch(text, / warning | error /);
        const json = JSON.parse(run(["check", "--corpus", "corpus", "--format", "json", ...args, bad], { env }).stdout);
        assert.deepEqual([...new Set(json.map((d: { severity: string }) => d.severity))].sort(), ["error", "warning"]);
        assert.ok(json.some((d: { code: string }) => d.code === "quote-mismatch"));
        const sarif = JSON.parse(run(["check", "--corpus", "corpus", "--format", "sarif", ...args, bad], { env }).stdout);
        assert.deepEqual([...new Set(sarif.runs[0].results.map((x: { level: string }) => x.level))].sort(), ["error", "warning"]);
      }
    });

    it("a draft in Shift_JIS or UTF-16 is read as such (and said); a binary one is refused (exit 2)", () => {
      const text = misquote();
      const enc = join(dir, "encodings");
      mkdirSync(enc, { recursive: true });
      writeFileSync(join(enc, "sjis.md"), iconv.encode(text, "cp932"));
      writeFileSync(join(enc, "utf16.md"), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")]));
      for (const [name, said] of [["sjis.md", /sjis\.md: information: read as Shift_JIS/], ["utf16.md", /utf16\.md: information: read as UTF-16LE/]] as const) {
        const r = run(["check", "--corpus", "corpus", join(enc, name)]);
        assert.equal(r.code, 1, r.stderr);
        assert.match(r.stdout, /:3:\d+ warning quote-mismatch /);
        assert.match(r.stderr, said);
      }
      writeFileSync(join(enc, "binary.md"), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0, 0, 0]));
      const r = run(["check", "--corpus", "corpus", "--format", "json", join(enc, "binary.md"), join(enc, "sjis.md")]);
      assert.equal(r.code, 2);
      assert.match(r.stderr, /binary\.md: error: not checked: binary file/);
      const list = JSON.parse(r.stdout);
      assert.ok(list.some((d: { code: string; file: string }) => d.code === "draft-unreadable" && d.file.endsWith("binary.md")));
      assert.ok(list.some((d: { code: string; file: string }) => d.code === "quote-mismatch" && d.file.endsWith("sjis.md")), "the other draft is still checked");
    });
  });
});
