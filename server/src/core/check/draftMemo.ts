/**
 * What re-checking one draft reuses from its previous check: results keyed by the text they depend
 * on — a block's analysis, a quote's verdict, a sentence's candidate passages — so after an edit only
 * the edited paragraph is worked out again. One memo per open draft (the language server makes one
 * per document and drops it when the document closes); a check keeps only the entries it used, so a
 * memo holds what the draft says now (and, while a superseded check is left unfinished, what it said
 * just before) however long the writer edits — never every text ever typed.
 */
export class DraftMemo {
  private owners: readonly unknown[] = [];
  private kept = new Map<string, unknown>();
  private latest: MemoScope | null = null;

  /**
   * Starts a check against `owners` (the corpus index and alias table the results come from): when
   * they are not the previous check's, nothing is reused.
   */
  begin(...owners: unknown[]): MemoScope {
    if (owners.length !== this.owners.length || owners.some((o, i) => o !== this.owners[i])) {
      this.kept = new Map();
      this.owners = owners;
    } else if (this.latest && !this.latest.finished) {
      // A check superseded before it finished: what it worked out is kept for the next.
      for (const [k, v] of this.latest.used) this.kept.set(k, v);
    }
    const scope = new MemoScope(this.kept, (s) => {
      if (this.latest === s) this.kept = s.used;
    });
    this.latest = scope;
    return scope;
  }

  /** Entries kept for the next check. */
  get size(): number {
    return this.kept.size;
  }
}

/** One check's view of a draft memo. */
export class MemoScope {
  readonly used = new Map<string, unknown>();
  finished = false;

  constructor(
    private readonly kept: Map<string, unknown>,
    private readonly onFinish: (s: MemoScope) => void,
  ) {}

  /** The value for `key` from this check or the previous one, else `make()` (kept for the next check). */
  get<T>(key: string, make: () => T): T {
    let v = this.used.get(key) as T | undefined;
    if (v === undefined) {
      v = this.kept.get(key) as T | undefined;
      if (v === undefined) v = make();
      this.used.set(key, v);
    }
    return v;
  }

  /** The check is complete: the memo keeps exactly what it used. */
  finish(): void {
    this.finished = true;
    this.onFinish(this);
  }
}
