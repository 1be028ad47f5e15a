// Quick fixes over the protocol: for every diagnostic code whose rule offers a fix, the built server
// publishes the problem, answers textDocument/codeAction with the fix, and once the edit is applied
// the re-check no longer reports it. Codes without a fix are listed so a missing one shows up here.
import { strict as assert } from "node:assert";
import { after, before, describe, it } from "node:test";
import type { CodeAction, Diagnostic } from "vscode-languageserver-protocol";
import { applyEdits } from "./edits";
import { createWorkspace, startServer, textAt, type LspClient, type TestWorkspace } from "./lspClient";

interface Case {
  code: string;
  /** One paragraph that triggers the code against the sample corpus. */
  line: string;
  /** What the fixed paragraph must contain. */
  fixed?: RegExp;
}

const CASES: Case[] = [
  { code: "quote-mismatch", line: "レビット報道官は「トランプ大統領は両当事者にいつもいらだっている」と述べた[@nikkei-2025-04-12]。", fixed: /いつもいら立っている/ },
  { code: "quote-wrong-source", line: "プーチン氏は「検討が必要」と述べた[@nikkei-2025-04-12]。", fixed: /\[@findgo-trump-putin-call\]/ },
  { code: "uncited-quote", line: "トランプ氏は「ロシアは行動しなければならない」と述べた。", fixed: /\[@nikkei-2025-04-12\]。$/ },
  { code: "unknown-source", line: "詳しくは[@nikei-2025-04-12]を参照。", fixed: /\[@nikkei-2025-04-12\]/ },
  { code: "date-mismatch", line: "両首脳の電話会談は今年に入り2月12日と3月19日の2回が公表されている[@newsweekjapan-2025-03-24]。", fixed: /3月18日/ },
  { code: "number-mismatch", line: "プーチン大統領は、ゼレンスキー大統領が提案した民間インフラへの60日間の攻撃停止について検討が必要と発言した[@findgo-trump-putin-call]。", fixed: /30日間/ },
  {
    code: "entity-mismatch",
    line: "ロシア大統領府のラブロフ報道官は、プーチン大統領とトランプ米大統領が過去数カ月間に公表済みの2回の電話会談以外にも接触した可能性があると明らかにした[@newsweekjapan-2025-03-24]。",
    fixed: /ペスコフ/,
  },
];

/** Codes reported without an edit: the writer decides (a speaker, a disagreement, an original to find). */
const WITHOUT_FIX = ["quote-not-found", "speaker-mismatch", "sources-disagree", "secondary-source"];

describe("code actions: every fix removes its problem", () => {
  let ws: TestWorkspace;
  let client: LspClient;

  before(async () => {
    ws = createWorkspace({ "warmup.md": "# warm-up\n\n本文[@nosuch-key]。\n" });
    client = await startServer({ workspace: ws.dir });
    client.openDocument(ws.uri("warmup.md"), "# warm-up\n\n本文[@nosuch-key]。\n");
    await client.waitForDiagnostics(ws.uri("warmup.md"), (d) => d.length > 0, 60_000);
  });

  after(async () => {
    await client?.stop();
    ws?.dispose();
  });

  for (const c of CASES) {
    it(`${c.code}: the preferred quick fix applies and the problem disappears`, async () => {
      const text = `# メモ\n\n${c.line}\n`;
      const uri = ws.write(`${c.code}.md`, text);
      client.openDocument(uri, text);
      const diags = await client.waitForDiagnostics(uri, (d) => d.some((x) => x.code === c.code));
      const diag = diags.find((x) => x.code === c.code)!;
      const actions = await client.request<CodeAction[]>("textDocument/codeAction", {
        textDocument: { uri },
        range: diag.range,
        context: { diagnostics: [diag], only: ["quickfix"] },
      });
      assert.ok(actions.length > 0, `a quick fix for ${c.code} at ${JSON.stringify(textAt(text, diag.range))}`);
      const fix = actions.find((a) => a.isPreferred) ?? actions[0];
      assert.equal(fix.kind, "quickfix");
      assert.deepEqual(fix.diagnostics?.map((d) => d.code), [c.code]);
      const edits = fix.edit?.changes?.[uri];
      assert.ok(edits?.length, `the fix edits the draft: ${JSON.stringify(fix)}`);
      const fixed = applyEdits(text, edits);
      if (c.fixed) assert.match(fixed.split("\n")[2], c.fixed, `fixed paragraph: ${fixed}`);
      client.changeDocument(uri, fixed);
      const after = await client.waitForDiagnostics(uri, (d) => !d.some((x) => x.code === c.code));
      assert.ok(!after.some((x: Diagnostic) => x.code === c.code), `${c.code} is gone after "${fix.title}"`);
      client.closeDocument(uri);
    });
  }

  it("codes without an edit still answer codeAction (with nothing to apply)", async () => {
    const text = "# メモ\n\nペスコフ氏は「まったく存在しない架空の発言である」と語った[@newsweekjapan-2025-03-24]。\n";
    const uri = ws.write("nofix.md", text);
    client.openDocument(uri, text);
    const diags = await client.waitForDiagnostics(uri, (d) => d.some((x) => x.code === "quote-not-found"));
    const diag = diags.find((x) => x.code === "quote-not-found")!;
    const actions = await client.request<CodeAction[]>("textDocument/codeAction", { textDocument: { uri }, range: diag.range, context: { diagnostics: [diag] } });
    assert.ok(Array.isArray(actions));
    assert.ok(WITHOUT_FIX.includes("quote-not-found"));
  });
});
