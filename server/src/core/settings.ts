/**
 * Settings the server understands, with their defaults. `package.json`'s
 * `contributes.configuration` must stay in step with `SETTINGS_DEFAULTS` (a unit test guards it).
 */
import { DIAGNOSTIC_CODES, type DiagnosticCode } from "./diagnosticCodes";
import type { Severity } from "./model";

export type SeveritySetting = Severity | "off" | "default";

export interface ShuttenSettings {
  corpus: { include: string[]; exclude: string[]; aliasFile: string };
  /** Reference libraries shared by every draft: paths or globs (relative to the workspace folder, or absolute). */
  bibliography: string[];
  /** CSL style for formatting references: a bundled style's name or a `.csl` file. */
  citationStyle: string;
  cache: { directory: string };
  diagnostics: Record<DiagnosticCode, SeveritySetting> & { debounceMs: number };
}

export const SETTINGS_DEFAULTS: ShuttenSettings = {
  corpus: {
    include: ["corpus/**/*.{txt,md,markdown,html,htm}"],
    exclude: [],
    aliasFile: "",
  },
  bibliography: [],
  citationStyle: "chicago-author-date",
  cache: { directory: "" },
  diagnostics: {
    ...(Object.fromEntries(DIAGNOSTIC_CODES.map((c) => [c, "default"])) as Record<DiagnosticCode, SeveritySetting>),
    debounceMs: 250,
  },
};

/** Merges a partial settings object (from the client or a config file) over the defaults. */
export function resolveSettings(raw: unknown): ShuttenSettings {
  const r = (raw && typeof raw === "object" ? raw : {}) as Record<string, any>;
  const arr = (v: unknown, d: string[]) => (Array.isArray(v) && v.every((x) => typeof x === "string") ? v : d);
  const diagnostics = { ...SETTINGS_DEFAULTS.diagnostics };
  const rd = (r.diagnostics ?? {}) as Record<string, unknown>;
  for (const code of DIAGNOSTIC_CODES) {
    const v = rd[code];
    if (v === "error" || v === "warning" || v === "information" || v === "hint" || v === "off" || v === "default") diagnostics[code] = v;
  }
  if (typeof rd.debounceMs === "number" && rd.debounceMs >= 0) diagnostics.debounceMs = rd.debounceMs;
  return {
    corpus: {
      include: arr(r.corpus?.include, SETTINGS_DEFAULTS.corpus.include),
      exclude: arr(r.corpus?.exclude, SETTINGS_DEFAULTS.corpus.exclude),
      aliasFile: typeof r.corpus?.aliasFile === "string" ? r.corpus.aliasFile : "",
    },
    bibliography: typeof r.bibliography === "string" ? [r.bibliography] : arr(r.bibliography, SETTINGS_DEFAULTS.bibliography),
    citationStyle: typeof r.citationStyle === "string" && r.citationStyle.trim() ? r.citationStyle.trim() : SETTINGS_DEFAULTS.citationStyle,
    cache: { directory: typeof r.cache?.directory === "string" ? r.cache.directory : "" },
    diagnostics,
  };
}
