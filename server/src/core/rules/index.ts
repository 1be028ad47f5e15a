/** Every rule, in catalogue order. Adding a rule: one module here, one code in diagnosticCodes.ts. */
import { dateMismatch } from "./dateMismatch";
import { entityMismatch } from "./entityMismatch";
import { numberMismatch } from "./numberMismatch";
import { quoteMismatch } from "./quoteMismatch";
import { quoteNotFound } from "./quoteNotFound";
import { quoteWrongSource } from "./quoteWrongSource";
import type { Rule } from "./ruleContext";
import { secondarySource } from "./secondarySource";
import { sourcesDisagree } from "./sourcesDisagree";
import { speakerMismatch } from "./speakerMismatch";
import { uncitedQuote } from "./uncitedQuote";
import { unknownSource } from "./unknownSource";

export const RULES: readonly Rule[] = [
  unknownSource,
  quoteMismatch,
  quoteWrongSource,
  quoteNotFound,
  speakerMismatch,
  dateMismatch,
  numberMismatch,
  entityMismatch,
  uncitedQuote,
  sourcesDisagree,
  secondarySource,
];
