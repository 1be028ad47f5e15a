/** LSP code actions: the quick fixes each diagnostic carries in its data (the rules computed them). */
import { CodeActionKind, type CodeAction } from "vscode-languageserver/node";
import type { FixData } from "../../core/check/finding";
import { LineIndex } from "../../core/lineIndex";
import { cancellable } from "../cancellation";
import { toRange } from "../convert";
import type { ServerContext } from "../server";

export function registerCodeActions(ctx: ServerContext): void {
  ctx.connection.onCodeAction(
    cancellable((params) => {
    const doc = ctx.documents.get(params.textDocument.uri);
    if (!doc) return null;
    const lines = new LineIndex(doc.getText());
    const actions: CodeAction[] = [];
    for (const d of params.context.diagnostics) {
      if (d.source !== "shutten") continue;
      const fixes = ((d.data as { fixes?: FixData[] } | undefined)?.fixes ?? []) as FixData[];
      fixes.forEach((fix, i) => {
        actions.push({
          title: fix.title,
          kind: CodeActionKind.QuickFix,
          diagnostics: [d],
          isPreferred: i === 0,
          edit: { changes: { [doc.uri]: [{ range: toRange(lines, fix.span), newText: fix.text }] } },
        });
      });
    }
    return actions;
    }),
  );
}
