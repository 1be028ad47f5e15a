/**
 * *Show timeline*: a webview listing the corpus's events by date with the sources that report them,
 * and the conflicts where sources disagree. The data comes from `shutten/timeline` as plain JSON;
 * the page is static HTML (no scripts beyond opening a source on click).
 */
import * as vscode from "vscode";
import type { LanguageClient } from "vscode-languageclient/node";
import { TimelineRequest, type TimelineResult } from "../../server/src/lsp/protocol";

let panel: vscode.WebviewPanel | undefined;

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

export function timelineHtml(data: TimelineResult, nonce: string, cspSource: string): string {
  const t = vscode.l10n.t;
  const conflicts = data.conflicts.length
    ? `<section class="conflicts"><h2>${esc(t("Sources disagree"))}</h2><ul>${data.conflicts
        .map(
          (c) =>
            `<li><strong>${esc(c.predicate)}</strong>${c.participants.length ? ` (${esc(c.participants.join(", "))})` : ""}: ` +
            `<span class="date">${esc(c.a.date)}</span> <code>@${esc(c.a.key)}</code> ≠ <span class="date">${esc(c.b.date)}</span> <code>@${esc(c.b.key)}</code></li>`,
        )
        .join("")}</ul></section>`
    : "";
  const days = data.days
    .map(
      (d) =>
        `<tr><th class="date">${esc(d.date)}</th><td><ul>${d.events
          .map(
            (e, i) =>
              `<li><a href="#" data-uri="${esc(e.location.uri)}" data-line="${e.location.range.start.line}" data-char="${e.location.range.start.character}"><strong>${esc(e.predicate)}</strong></a>` +
              `${e.participants.length ? ` (${esc(e.participants.join(", "))})` : ""}${e.place ? ` — ${esc(e.place)}` : ""} <code>@${esc(e.key)}</code>` +
              `<div class="sentence">${esc(e.sentence.length > 160 ? e.sentence.slice(0, 159) + "…" : e.sentence)}</div></li>`,
          )
          .join("")}</ul></td></tr>`,
    )
    .join("");
  return `<!DOCTYPE html><html><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${cspSource} 'unsafe-inline'; script-src 'nonce-${nonce}';">
<style>
body { font-family: var(--vscode-font-family); color: var(--vscode-foreground); padding: 0 1em; }
table { border-collapse: collapse; width: 100%; }
th.date { text-align: left; vertical-align: top; white-space: nowrap; padding: .5em 1em .5em 0; font-family: var(--vscode-editor-font-family); }
td { border-top: 1px solid var(--vscode-panel-border); padding: .4em 0; }
ul { margin: 0; padding-left: 1.2em; }
.sentence { color: var(--vscode-descriptionForeground); font-size: 90%; }
.conflicts { border: 1px solid var(--vscode-inputValidation-warningBorder); padding: .2em 1em; margin-bottom: 1em; }
a { color: var(--vscode-textLink-foreground); }
</style></head><body>
<h1>${esc(t("Timeline"))}</h1>
${conflicts}
<table>${days || `<tr><td>${esc(t("No dated events in the corpus."))}</td></tr>`}</table>
<script nonce="${nonce}">
const vscode = acquireVsCodeApi();
document.addEventListener("click", (ev) => {
  const a = ev.target.closest("a[data-uri]");
  if (!a) return;
  ev.preventDefault();
  vscode.postMessage({ uri: a.dataset.uri, line: Number(a.dataset.line), character: Number(a.dataset.char) });
});
</script></body></html>`;
}

export async function showTimeline(client: LanguageClient): Promise<void> {
  const uri = vscode.window.activeTextEditor?.document.uri.toString();
  const data = await client.sendRequest<TimelineResult>(TimelineRequest, { uri });
  if (!panel) {
    panel = vscode.window.createWebviewPanel("shutten.timeline", vscode.l10n.t("Shutten: Timeline"), vscode.ViewColumn.Beside, { enableScripts: true });
    panel.onDidDispose(() => (panel = undefined));
    panel.webview.onDidReceiveMessage(async (m: { uri: string; line: number; character: number }) => {
      const pos = new vscode.Position(m.line, m.character);
      await vscode.window.showTextDocument(vscode.Uri.parse(m.uri), { selection: new vscode.Range(pos, pos), viewColumn: vscode.ViewColumn.One });
    });
  }
  const nonce = Math.random().toString(36).slice(2) + Date.now().toString(36);
  panel.webview.html = timelineHtml(data, nonce, panel.webview.cspSource);
  panel.reveal(vscode.ViewColumn.Beside);
}
