/** Output formats of `shutten check`: text (file:line:col severity code message), json, sarif 2.1.0, github annotations. */
import type { Locale } from "../core/check/messages";
import type { Severity } from "../core/model";
import { cliText } from "./cliText";
import { CODE_DESCRIPTIONS, DIAGNOSTIC_CODES } from "../core/diagnosticCodes";

export interface CliDiagnostic {
  file: string;
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
  severity: Severity;
  code: string;
  message: string;
}

/** One line per problem, `file:line:col severity code message`, the severity word in the reader's language. */
export function formatText(list: CliDiagnostic[], locale: Locale = "en"): string {
  const words = cliText(locale).severity;
  return list.map((d) => `${d.file}:${d.range.start.line + 1}:${d.range.start.character + 1} ${words[d.severity] ?? d.severity} ${d.code} ${d.message}`).join("\n") + (list.length ? "\n" : "");
}

export function formatJson(list: CliDiagnostic[]): string {
  return JSON.stringify(list, null, 2) + "\n";
}

const SARIF_LEVEL: Record<Severity, string> = { error: "error", warning: "warning", information: "note", hint: "note" };

export function formatSarif(list: CliDiagnostic[], version: string): string {
  const rules = DIAGNOSTIC_CODES.map((code) => ({ id: code, shortDescription: { text: CODE_DESCRIPTIONS[code].en }, fullDescription: { text: `${CODE_DESCRIPTIONS[code].en} / ${CODE_DESCRIPTIONS[code].ja}` } }));
  const sarif = {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: { driver: { name: "shutten", version, informationUri: "https://example.invalid/shutten", rules } },
        results: list.map((d) => ({
          ruleId: d.code,
          level: SARIF_LEVEL[d.severity],
          message: { text: d.message },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: d.file.split("\\").join("/") },
                // SARIF is 1-based; columns are UTF-16 units like LSP's.
                region: { startLine: d.range.start.line + 1, startColumn: d.range.start.character + 1, endLine: d.range.end.line + 1, endColumn: d.range.end.character + 1 },
              },
            },
          ],
        })),
        columnKind: "utf16CodeUnits",
      },
    ],
  };
  return JSON.stringify(sarif, null, 2) + "\n";
}

const GITHUB_LEVEL: Record<Severity, string> = { error: "error", warning: "warning", information: "notice", hint: "notice" };

/** GitHub workflow commands; data is escaped as the runner expects (%, CR, LF; and , : in properties). */
export function formatGithub(list: CliDiagnostic[]): string {
  const data = (s: string) => s.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
  const prop = (s: string) => data(s).replace(/:/g, "%3A").replace(/,/g, "%2C");
  return list
    .map((d) => `::${GITHUB_LEVEL[d.severity]} file=${prop(d.file)},line=${d.range.start.line + 1},col=${d.range.start.character + 1},endLine=${d.range.end.line + 1},endColumn=${d.range.end.character + 1},title=${prop("shutten " + d.code)}::${data(d.message)}\n`)
    .join("");
}
