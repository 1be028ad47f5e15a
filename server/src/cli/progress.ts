/**
 * Indexing progress on stderr: on a terminal one bar redrawn in place (cli-progress: files done,
 * rate, ETA); in a pipe or CI log one line at every tenth of the way (none for fewer than 20 files),
 * so a log stays readable.
 */
import { SingleBar } from "cli-progress";

export interface Progress {
  update(done: number, total: number): void;
  stop(): void;
}

export function progressReporter(out: { write(s: string): void }, stream: NodeJS.WriteStream | undefined, what = "indexing"): Progress {
  if (stream?.isTTY) return new TerminalProgress(stream, what);
  return new LineProgress(out, what);
}

class TerminalProgress implements Progress {
  private bar: SingleBar | null = null;
  private readonly started = performance.now();
  constructor(
    private readonly stream: NodeJS.WriteStream,
    private readonly what: string,
  ) {}
  update(done: number, total: number): void {
    const rate = Math.round(done / Math.max(0.001, (performance.now() - this.started) / 1000));
    if (!this.bar) {
      this.bar = new SingleBar({
        stream: this.stream,
        format: `${this.what} {bar} {value}/{total} files | {rate} files/s | ETA {eta_formatted}`,
        barCompleteChar: "█",
        barIncompleteChar: "░",
        hideCursor: true,
        clearOnComplete: true,
        etaBuffer: 200,
        fps: 10,
      });
      this.bar.start(total, done, { rate });
    } else {
      this.bar.setTotal(total);
      this.bar.update(done, { rate });
    }
  }
  stop(): void {
    this.bar?.stop();
    this.bar = null;
  }
}

class LineProgress implements Progress {
  static readonly minFiles = 20;
  private nextTenth = 1;
  private readonly started = performance.now();
  constructor(
    private readonly out: { write(s: string): void },
    private readonly what: string,
  ) {}
  update(done: number, total: number): void {
    // A handful of files is done before a log line could help: say nothing for them.
    if (total < LineProgress.minFiles) return;
    // One line for the furthest tenth reached, however many tenths one step crossed.
    const tenth = Math.min(10, Math.floor((done * 10) / total));
    if (tenth < this.nextTenth) return;
    this.nextTenth = tenth + 1;
    const secs = (performance.now() - this.started) / 1000;
    const rate = done / Math.max(0.001, secs);
    const eta = rate > 0 ? (total - done) / rate : 0;
    this.out.write(`${this.what}: ${tenth * 10}% (${done}/${total} files, ${Math.round(rate)} files/s, ${done >= total ? `${secs.toFixed(1)} s` : `ETA ${Math.ceil(eta)} s`})\n`);
  }
  stop(): void {}
}
