/**
 * One queue for the work a process does in the background — an index build's answers and finishing
 * steps, a draft's check, a catalogue warming — so that requests are answered between its slices.
 *
 * Each task yields here between slices (`backgroundTurn`) and one slice runs per turn of the event
 * loop. With a `setImmediate` per task instead, every task's slice ran ahead of each of a request's
 * own turns (its dispatch, its answer): three busy tasks made a hover wait nine slices. Here a request
 * read meanwhile waits for the slice that was running when it came and, while it is being answered
 * (`requestArrived` … `requestAnswered`, told by the transport), no background slice starts — unless
 * the request itself waits for background work (`waitingForBackground`: a hover before the first
 * index is ready) or has been running for `HOLD_MS`, so that nothing waits on itself.
 *
 * Nothing here knows what a request is: the LSP layer tells it by id; the CLI never does, and its
 * background work runs one slice per turn.
 */

/** A request holds background work back for at most this long. */
const HOLD_MS = 250;

const queue: (() => void)[] = [];
let pumpScheduled = false;
let holdTimer: ReturnType<typeof setTimeout> | null = null;
/** Requests being answered (by id) and when each was read. */
const inFlight = new Map<string | number, number>();
/** How many callers wait for background work to finish (they must not hold it back). */
let waiters = 0;

/** Yields to the event loop; resolves when this task's next slice may run. */
export function backgroundTurn(): Promise<void> {
  return new Promise<void>((resolve) => {
    queue.push(resolve);
    schedulePump();
  });
}

/** A request was read (before it is dispatched): background slices wait until it is answered. */
export function requestArrived(id: string | number): void {
  inFlight.set(id, performance.now());
}

/** A request was answered (or cancelled): background work goes on when no other holds it. */
export function requestAnswered(id: string | number): void {
  if (inFlight.delete(id)) schedulePump();
}

/**
 * `work` is background work a request (or anything else) waits for: while it runs, waiting requests
 * do not hold the background back.
 */
export function waitingForBackground<T>(work: Promise<T>): Promise<T> {
  waiters++;
  schedulePump();
  const done = () => {
    waiters--;
    schedulePump();
  };
  work.then(done, done);
  return work;
}

/** How long background work must still wait for the requests in flight (0: not at all). */
function holdLeft(now: number): number {
  if (inFlight.size <= waiters) return 0;
  let left = 0;
  for (const at of inFlight.values()) left = Math.max(left, at + HOLD_MS - now);
  return left;
}

function schedulePump(): void {
  if (pumpScheduled || queue.length === 0) return;
  pumpScheduled = true;
  setImmediate(pump);
}

function pump(): void {
  pumpScheduled = false;
  if (queue.length === 0) return;
  const left = holdLeft(performance.now());
  if (left > 0) {
    // Resumed by `requestAnswered`, or by this timer for a request that runs long.
    if (holdTimer === null) {
      holdTimer = setTimeout(() => {
        holdTimer = null;
        schedulePump();
      }, Math.ceil(left));
    }
    return;
  }
  const next = queue.shift()!;
  // The next slice (of this task or another) runs a turn later, after the input read meanwhile.
  schedulePump();
  next();
}
