import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { backgroundTurn, requestAnswered, requestArrived, waitingForBackground } from "../../server/src/core/backgroundWork";

/** Background tasks that each run `slices` slices, yielding between them; counts the slices run. */
function busyTasks(tasks: number, slices: number): { ran: () => number; done: Promise<void> } {
  let ran = 0;
  const one = async () => {
    for (let i = 0; i < slices; i++) {
      await backgroundTurn();
      ran++;
    }
  };
  return { ran: () => ran, done: Promise.all(Array.from({ length: tasks }, one)).then(() => undefined) };
}

/** A request as the connection handles it: read, dispatched a turn later, answered a turn after that. */
function request(id: number, handler: () => Promise<void> | void = () => {}): Promise<void> {
  requestArrived(id);
  return new Promise((resolve) =>
    setImmediate(async () => {
      await handler();
      setImmediate(() => {
        requestAnswered(id);
        resolve();
      });
    }),
  );
}

describe("background work yields to requests", () => {
  it("no background slice runs while a request is being answered, however many tasks are busy", async () => {
    const busy = busyTasks(3, 40);
    await new Promise((r) => setTimeout(r, 1));
    const before = busy.ran();
    assert.ok(before > 0 && before < 120, "the tasks had started and not finished");
    let during = -1;
    await request(1, () => {
      during = busy.ran() - before;
    });
    assert.equal(during, 0, "slices ran between the request's arrival and its dispatch");
    await busy.done;
    assert.equal(busy.ran(), 120, "every slice ran once the request was answered");
  });

  it("runs one slice per turn of the event loop, so input is read between any two slices", async () => {
    const busy = busyTasks(3, 10);
    let turns = 0;
    const countTurns = () => {
      turns++;
      if (busy.ran() < 30) setImmediate(countTurns);
    };
    setImmediate(countTurns);
    await busy.done;
    assert.ok(turns >= 29, `30 slices ran in ${turns} turns of the event loop`);
  });

  it("a request that waits for the background work itself does not hold it back", async () => {
    const busy = busyTasks(1, 20);
    const t0 = performance.now();
    await request(2, () => waitingForBackground(busy.done));
    assert.equal(busy.ran(), 20);
    assert.ok(performance.now() - t0 < 200, "the work finished without waiting for the hold to expire");
  });

  it("a request never answered holds the background back for a bounded time only", async () => {
    requestArrived(3);
    const busy = busyTasks(1, 3);
    await busy.done;
    assert.equal(busy.ran(), 3);
    requestAnswered(3);
  });
});
