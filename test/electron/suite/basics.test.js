// The code-server journeys through the VS Code API: diagnostics (getDiagnostics), completion
// (executeCompletionItemProvider) and hover (executeHoverProvider) on the draft that
// runTests.mjs wrote, citing a known and an unknown key.
const assert = require("node:assert/strict");
const vscode = require("vscode");

const env = (name) => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set (run through test/electron/runTests.mjs)`);
  return v;
};
const draftUri = () => vscode.Uri.file(env("SHUTTEN_TEST_DRAFT"));

/** Position of `needle` (+offset) in a document, found by text. */
function positionOf(doc, needle, offset = 0) {
  const at = doc.getText().indexOf(needle);
  if (at < 0) throw new Error(`${needle} not in ${doc.uri.fsPath}`);
  return doc.positionAt(at + offset);
}

/** Resolves when `predicate(diagnostics)` holds for the draft; waits on onDidChangeDiagnostics. */
function diagnosticsWhere(uri, predicate, timeoutMs = 60_000) {
  return new Promise((resolve, reject) => {
    const check = () => {
      const d = vscode.languages.getDiagnostics(uri);
      if (predicate(d)) {
        sub.dispose();
        clearTimeout(timer);
        resolve(d);
      }
    };
    const sub = vscode.languages.onDidChangeDiagnostics(check);
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error(`diagnostics never matched: ${JSON.stringify(vscode.languages.getDiagnostics(uri))}`));
    }, timeoutMs);
    check();
  });
}

const codeOf = (d) => (typeof d.code === "object" ? d.code.value : d.code);
let doc;

exports.tests = [
  [
    "the extension activates on a Markdown draft",
    async () => {
      doc = await vscode.workspace.openTextDocument(draftUri());
      await vscode.window.showTextDocument(doc);
      const ext = vscode.extensions.all.find((e) => e.packageJSON.name === "shutten");
      assert.ok(ext, "the shutten extension is loaded");
      await ext.activate();
    },
  ],
  [
    "unknown-source is reported at the unknown key",
    async () => {
      const diags = await diagnosticsWhere(doc.uri, (d) => d.some((x) => codeOf(x) === "unknown-source"));
      const d = diags.find((x) => codeOf(x) === "unknown-source");
      assert.equal(d.source, "shutten");
      assert.equal(d.severity, vscode.DiagnosticSeverity.Error);
      assert.ok(doc.getText(d.range).includes(env("SHUTTEN_UNKNOWN_KEY")), doc.getText(d.range));
    },
  ],
  [
    "hover on the known key shows its title",
    async () => {
      const hovers = await vscode.commands.executeCommand("vscode.executeHoverProvider", doc.uri, positionOf(doc, `@${env("SHUTTEN_KNOWN_KEY")}`, 3));
      const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === "string" ? c : c.value))).join("\n");
      assert.ok(text.includes(env("SHUTTEN_KNOWN_TITLE")), text);
    },
  ],
  [
    "completion after [@ lists every sample key",
    async () => {
      const editor = await vscode.window.showTextDocument(doc);
      await editor.edit((b) => b.insert(doc.positionAt(doc.getText().length), "\n続報は[@]"));
      const pos = positionOf(doc, "続報は[@", "続報は[@".length);
      const list = await vscode.commands.executeCommand("vscode.executeCompletionItemProvider", doc.uri, pos, "@");
      const labels = list.items.map((i) => (typeof i.label === "string" ? i.label : i.label.label));
      for (const key of env("SHUTTEN_KEYS").split(",")) assert.ok(labels.includes(key), `${key} in ${labels.join(", ")}`);
      await vscode.commands.executeCommand("workbench.action.files.revert");
    },
  ],
];
