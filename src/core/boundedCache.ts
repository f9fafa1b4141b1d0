/** A map that forgets its least recently set entries past `limit`, so a cache cannot grow without end. */
export class BoundedCache<V> {
  private readonly map = new Map<string, V>();

  constructor(private readonly limit: number) {}

  get size(): number {
    return this.map.size;
  }

  get(key: string): V | undefined {
    return this.map.get(key);
  }

  set(key: string, value: V): void {
    // Re-inserting moves the key to the end: Map iterates in insertion order.
    this.map.delete(key);
    this.map.set(key, value);
    if (this.map.size > this.limit) {
      this.map.delete(this.map.keys().next().value as string);
    }
  }

  delete(key: string): void {
    this.map.delete(key);
  }
}
