/**
 * A Map / Set that remembers at most `capacity` entries, forgetting the oldest insertion first:
 * for what a long session keeps per execution, cell or run (outcomes, source maps, FFT plans)
 * so memory stays bounded however long the kernel lives. Re-setting a key keeps its age.
 */
export class BoundedMap<K, V> extends Map<K, V> {
  constructor(readonly capacity: number) {
    super();
  }

  override set(key: K, value: V): this {
    super.set(key, value);
    while (this.size > this.capacity) this.delete(this.keys().next().value as K);
    return this;
  }
}

export class BoundedSet<T> extends Set<T> {
  constructor(readonly capacity: number) {
    super();
  }

  override add(value: T): this {
    super.add(value);
    while (this.size > this.capacity) this.delete(this.values().next().value as T);
    return this;
  }
}
