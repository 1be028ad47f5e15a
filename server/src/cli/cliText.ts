/**
 * What the command line itself says, in English and Japanese (`--lang`, else a Japanese `LANG`).
 * Only what a person reads is translated: codes, JSON/SARIF fields and GitHub workflow commands
 * are a contract and stay as they are.
 */
import { localeFromEnv, type Locale } from "../core/check/messages";
import type { Severity } from "../core/model";

const en = {
  severity: { error: "error", warning: "warning", information: "information", hint: "hint" } as Record<Severity, string>,
  usingCorpus: (corpus: string, from: string) => `shutten: using the corpus ${corpus} (found from ${from}; choose another with --corpus DIR)\n`,
  corpusNotFound: (given: string) => `corpus folder not found: ${given}`,
  noCorpusFound: (from: string) =>
    `no corpus found: no folder from ${from} up holds a 'corpus' folder or a sources.yaml (give one with --corpus DIR)`,
  draftDecoded: (file: string, encoding: string) => `${file}: information: read as ${encoding}\n`,
  draftRefused: (file: string, reason: string) => `${file}: error: not checked: ${reason}\n`,
  draftUnreadable: (file: string, reason: string) => `${file}: error: cannot read: ${reason}\n`,
  refusedMessage: (reason: string) => `Not checked: ${reason}.`,
};

type CliText = typeof en;

const ja: CliText = {
  severity: { error: "エラー", warning: "警告", information: "情報", hint: "ヒント" },
  usingCorpus: (corpus, from) => `shutten: コーパス ${corpus} を使います（${from} から上へ探して見つけました。別のコーパスは --corpus DIR で指定）\n`,
  corpusNotFound: (given) => `コーパスのフォルダが見つかりません: ${given}`,
  noCorpusFound: (from) => `コーパスが見つかりません: ${from} から上のどのフォルダにも corpus フォルダも sources.yaml もありません（--corpus DIR で指定してください）`,
  draftDecoded: (file, encoding) => `${file}: 情報: ${encoding} として読みました\n`,
  draftRefused: (file, reason) => `${file}: エラー: 検査しません: ${reason}\n`,
  draftUnreadable: (file, reason) => `${file}: エラー: 読めません: ${reason}\n`,
  refusedMessage: (reason) => `検査しません: ${reason}。`,
};

export function cliText(locale: Locale): CliText {
  return locale === "ja" ? ja : en;
}

/** The locale of a command: `--lang en|ja`, else the environment (a Japanese `LANG` or `LC_ALL`). */
export function cliLocale(options: Record<string, string | boolean>): Locale {
  return options.lang === "ja" || options.lang === "en" ? options.lang : localeFromEnv();
}
