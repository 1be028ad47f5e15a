/**
 * Returns the garbage of a corpus build to the system once the server goes idle. Building an index
 * (and its feature catalogue from the snapshot) leaves hundreds of megabytes of short-lived records
 * that V8 would otherwise keep for a long while in a server that then sits mostly idle; one full
 * collection at that moment keeps a 10,000-article server well under its memory budget.
 */
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

let collect: (() => void) | null | undefined;

/** Runs a full garbage collection if the runtime allows it; a no-op otherwise. */
export function collectGarbage(): void {
  if (collect === undefined) {
    try {
      setFlagsFromString("--expose-gc");
      collect = runInNewContext("gc") as () => void;
    } catch {
      collect = null;
    }
  }
  collect?.();
}
