/**
 * Cancellation for long core work, without LSP types: the caller passes `isCancelled` (the LSP layer
 * reads it from the request's token) and the work throws {@link Cancelled} at its next check. Work
 * that runs long yields to the event loop between slices (`TimeSlicer`), so that the cancellation —
 * which arrives as a message — can be read at all.
 */
export type IsCancelled = () => boolean;

/** Thrown by core work whose caller no longer wants the answer. */
export class Cancelled extends Error {
  constructor() {
    super("cancelled");
    this.name = "Cancelled";
  }
}

export function throwIfCancelled(isCancelled?: IsCancelled): void {
  if (isCancelled?.()) throw new Cancelled();
}

/** Lets long work yield to the event loop every `sliceMs`, and stop there once cancelled. */
export class TimeSlicer {
  private sliceEnd = performance.now();
  constructor(
    private readonly isCancelled?: IsCancelled,
    private readonly sliceMs = 10,
    /** How to yield: the next turn of the event loop (a request's own work), or `backgroundTurn`. */
    private readonly turn: () => Promise<void> = nextTurn,
  ) {
    this.sliceEnd = performance.now() + sliceMs;
  }
  /** Call between units of work: yields when the slice is used up, then throws if cancelled. */
  async tick(): Promise<void> {
    if (performance.now() < this.sliceEnd) return;
    await this.turn();
    throwIfCancelled(this.isCancelled);
    this.sliceEnd = performance.now() + this.sliceMs;
  }
}

/** The next turn of the event loop, after the input read meanwhile. */
export function nextTurn(): Promise<void> {
  return new Promise<void>((resolve) => setImmediate(resolve));
}
