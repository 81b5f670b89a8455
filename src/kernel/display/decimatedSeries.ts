/**
 * A bounded series for long training runs: keeps every stride-th item, doubling the stride
 * (dropping every other kept item) when full, and always the latest item.
 */
export class DecimatedSeries<T> {
  private kept: T[] = [];
  private stride = 1;
  private seen = 0;
  private latest: T | undefined;

  /** `maxItems` includes the latest item. */
  constructor(private readonly maxItems: number) {}

  add(item: T): void {
    if (this.seen % this.stride === 0) this.kept.push(item);
    this.latest = item;
    this.seen++;
    if (this.kept.length > this.maxItems - 1) {
      this.kept = this.kept.filter((_, i) => i % 2 === 0);
      this.stride *= 2;
    }
  }

  /** Items added so far, including dropped ones. */
  get count(): number {
    return this.seen;
  }

  get last(): T | undefined {
    return this.latest;
  }

  items(): T[] {
    const lastKept = this.kept[this.kept.length - 1];
    return this.latest !== undefined && this.latest !== lastKept ? [...this.kept, this.latest] : this.kept.slice();
  }
}
