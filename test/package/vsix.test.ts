// The packaged extension (shutten.vsix, made by `npm run package`) holds the bundles, kuromoji's
// dictionary, the manifest, grammar, README and LICENSE — and nothing a user does not need (no
// node_modules, sources, tests, sample corpus or source maps). Its bundled CLI also runs from an
// extracted copy, far from node_modules, which proves the dictionary is found beside the bundle.
//   VSIX=path/to.vsix node --import tsx --test test/package/vsix.test.ts
import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { after, before, describe, it } from "node:test";
import { inflateRawSync } from "node:zlib";

const repoRoot = resolve(__dirname, "..", "..");
const vsixPath = resolve(process.env.VSIX ?? join(repoRoot, "shutten.vsix"));
/** Bound on the package size: the dictionary is ~18 MB of .dat.gz, the bundles a few MB. */
const MAX_VSIX_BYTES = 30 * 1024 * 1024;

interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  size: number;
  localHeaderOffset: number;
}

/** Reads a zip's central directory (a .vsix is a zip), so the test needs no unzip binary. */
function listZip(buf: Buffer): ZipEntry[] {
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 0xffff); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  assert.ok(eocd >= 0, "zip end-of-central-directory record");
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  const entries: ZipEntry[] = [];
  for (let n = 0; n < count; n++) {
    assert.equal(buf.readUInt32LE(p), 0x02014b50, "central directory entry signature");
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    entries.push({
      method: buf.readUInt16LE(p + 10),
      compressedSize: buf.readUInt32LE(p + 20),
      size: buf.readUInt32LE(p + 24),
      localHeaderOffset: buf.readUInt32LE(p + 42),
      name: buf.toString("utf8", p + 46, p + 46 + nameLen),
    });
    p += 46 + nameLen + extraLen + commentLen;
  }
  return entries;
}

function readEntry(buf: Buffer, e: ZipEntry): Buffer {
  const p = e.localHeaderOffset;
  assert.equal(buf.readUInt32LE(p), 0x04034b50, `local header of ${e.name}`);
  const start = p + 30 + buf.readUInt16LE(p + 26) + buf.readUInt16LE(p + 28);
  const data = buf.subarray(start, start + e.compressedSize);
  if (e.method === 0) return Buffer.from(data);
  assert.equal(e.method, 8, `${e.name}: deflate or stored`);
  return inflateRawSync(data);
}

/** Every file the package may hold, under the `extension/` folder vsce writes. */
const ALLOWED: RegExp[] = [
  /^extension\/package\.json$/,
  /^extension\/package\.nls(\.[a-z-]+)?\.json$/,
  /^extension\/dist\/[A-Za-z]+\.js$/,
  /^extension\/dist\/dict\/[a-z_]+\.dat\.gz$/,
  /^extension\/syntaxes\/[^/]+\.json$/,
  /^extension\/l10n\/bundle\.l10n(\.[a-z-]+)?\.json$/,
  /^extension\/(readme|README)\.md$/,
  /^extension\/(changelog|CHANGELOG)\.md$/,
  /^extension\/LICENSE(\.txt|\.md)?$/i,
  /^extension\/images\/[^/]+\.(png|svg)$/,
  /^extension\/docs\/[^/]+\.md$/,
];
/** vsce's own bookkeeping at the top of the zip. */
const VSCE_FILES = new Set(["extension.vsixmanifest", "[Content_Types].xml"]);

describe("the .vsix package", () => {
  let buf: Buffer;
  let entries: ZipEntry[];
  let names: string[];

  before(() => {
    assert.ok(existsSync(vsixPath), `${vsixPath} is missing: run \`npm run package\` first`);
    buf = readFileSync(vsixPath);
    entries = listZip(buf);
    names = entries.map((e) => e.name).filter((n) => !n.endsWith("/"));
  });

  it("holds the three bundles, the dictionary, manifest, grammar, README and LICENSE", () => {
    for (const required of [
      "extension.vsixmanifest",
      "extension/package.json",
      "extension/dist/extension.js",
      "extension/dist/server.js",
      "extension/dist/cli.js",
      "extension/dist/dict/base.dat.gz",
      "extension/dist/dict/cc.dat.gz",
      "extension/dist/dict/check.dat.gz",
      "extension/dist/dict/tid.dat.gz",
      "extension/dist/dict/unk.dat.gz",
    ]) {
      assert.ok(names.includes(required), `${required} in the package; it holds:\n${names.join("\n")}`);
    }
    const dict = readdirOfNodeModulesDict();
    for (const f of dict) assert.ok(names.includes(`extension/dist/dict/${f}`), `dictionary file ${f}`);
    assert.ok(names.some((n) => /^extension\/syntaxes\/.+\.json$/.test(n)), "a grammar under syntaxes/");
    assert.ok(names.some((n) => /^extension\/readme\.md$/i.test(n)), "README");
    assert.ok(names.some((n) => /^extension\/LICENSE/i.test(n)), "LICENSE");
  });

  it("holds nothing else: no node_modules, sources, tests, corpus, maps or logs", () => {
    const stray = names.filter((n) => !VSCE_FILES.has(n) && !ALLOWED.some((re) => re.test(n)));
    assert.deepEqual(stray, [], `unexpected files in the package (adjust .vscodeignore):\n${stray.join("\n")}`);
  });

  it("stays under the size bound", () => {
    const size = statSync(vsixPath).size;
    assert.ok(size < MAX_VSIX_BYTES, `${(size / 1048576).toFixed(1)} MB ≥ ${MAX_VSIX_BYTES / 1048576} MB`);
    const bundles = entries.filter((e) => /^extension\/dist\/[^/]+\.js$/.test(e.name));
    for (const b of bundles) assert.ok(b.size < 8 * 1048576, `${b.name} is ${(b.size / 1048576).toFixed(1)} MB`);
  });

  it("declares the manifest fields VS Code needs", () => {
    const pkg = JSON.parse(readEntry(buf, entries.find((e) => e.name === "extension/package.json")!).toString("utf8"));
    assert.equal(pkg.main, "./dist/extension.js");
    assert.ok(pkg.publisher, "publisher");
    assert.ok(pkg.engines?.vscode, "engines.vscode");
    assert.ok(pkg.activationEvents?.includes("onLanguage:markdown"), "activates on Markdown");
    assert.ok(pkg.contributes?.grammars?.length, "contributes the citation grammar");
    for (const g of pkg.contributes.grammars) {
      assert.ok(names.includes(`extension/${g.path.replace(/^\.\//, "")}`), `grammar ${g.path} is packaged`);
    }
  });

  describe("extracted far from node_modules", () => {
    let dir: string;
    before(() => {
      dir = mkdtempSync(join(tmpdir(), "shutten-vsix-"));
      for (const e of entries) {
        if (e.name.endsWith("/")) continue;
        const out = join(dir, e.name);
        mkdirSync(dirname(out), { recursive: true });
        writeFileSync(out, readEntry(buf, e));
      }
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    it("its bundled CLI lists the sample sources, with the dictionary found beside it", () => {
      const cache = join(dir, "cache");
      const out = execFileSync(process.execPath, [join(dir, "extension/dist/cli.js"), "sources", "--corpus", join(repoRoot, "corpus"), "--json"], {
        cwd: dir,
        encoding: "utf8",
        env: { ...process.env, SHUTTEN_CACHE_DIR: cache, NODE_PATH: "" },
      });
      const sources = JSON.parse(out) as { key: string; title: string | null }[];
      assert.equal(sources.length, 4, out);
      assert.ok(sources.every((s) => s.key), out);
    });
  });
});

function readdirOfNodeModulesDict(): string[] {
  const dir = join(repoRoot, "node_modules", "kuromoji", "dict");
  return existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith(".dat.gz")) : [];
}
