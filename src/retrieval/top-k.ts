/** Whether (idA, scoreA) ranks below (idB, scoreB): a lower score, or an equal score and a higher id. */
const ranksBelow = (idA: number, scoreA: number, idB: number, scoreB: number): boolean => scoreA < scoreB || (scoreA === scoreB && idA > idB);

/**
 * Keeps the k highest-scoring ids seen so far in a binary min-heap on typed arrays. Equal scores go
 * to the lower id, the order sorted() uses, so the set kept does not depend on the order of pushes
 * (which lets the searcher skip passages that cannot win without changing who wins a tie).
 */
export class TopK {
  private readonly ids: Int32Array;
  private readonly scores: Float64Array;
  private size = 0;

  constructor(private readonly k: number) {
    this.ids = new Int32Array(k);
    this.scores = new Float64Array(k);
  }

  /** The lowest score that still gets in; -Infinity until the heap is full. */
  get threshold(): number {
    return this.size < this.k ? -Infinity : this.scores[0]!;
  }

  push(id: number, score: number): void {
    if (this.k === 0) return;
    const { ids, scores } = this;
    if (this.size < this.k) {
      let i = this.size++;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (!ranksBelow(id, score, ids[parent]!, scores[parent]!)) break;
        ids[i] = ids[parent]!;
        scores[i] = scores[parent]!;
        i = parent;
      }
      ids[i] = id;
      scores[i] = score;
      return;
    }
    if (!ranksBelow(ids[0]!, scores[0]!, id, score)) return;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= this.size) break;
      const right = left + 1;
      const child = right < this.size && ranksBelow(ids[right]!, scores[right]!, ids[left]!, scores[left]!) ? right : left;
      if (!ranksBelow(ids[child]!, scores[child]!, id, score)) break;
      ids[i] = ids[child]!;
      scores[i] = scores[child]!;
      i = child;
    }
    ids[i] = id;
    scores[i] = score;
  }

  /** Highest first. */
  sorted(): { id: number; score: number }[] {
    const out = Array.from({ length: this.size }, (_, i) => ({ id: this.ids[i]!, score: this.scores[i]! }));
    return out.sort((a, b) => b.score - a.score || a.id - b.id);
  }
}
