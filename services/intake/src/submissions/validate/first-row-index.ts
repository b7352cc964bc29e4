const EMPTY = -1;
/** Identifiers up to this many digits are exact as doubles (2^53 > 10^15). */
const EXACT_DIGITS = 15;

/**
 * The row on which each Identifier of a file first appeared, for the repeated-Identifier check. A file can
 * have a million rows, so the identifiers are kept as numbers in an open-addressing table of typed arrays:
 * about 24 bytes each, outside the JavaScript heap, instead of a string-keyed Map several times that size
 * whose growth the garbage collector then multiplies. The rare identifier longer than 15 digits goes to a Map.
 */
export class FirstRowIndex {
  private keys: Float64Array;
  private rows: Int32Array;
  private used = 0;
  private readonly long = new Map<string, number>();

  constructor(initialCapacity = 1024) {
    let capacity = 16;
    while (capacity < initialCapacity * 2) capacity *= 2;
    this.keys = new Float64Array(capacity).fill(EMPTY);
    this.rows = new Int32Array(capacity);
  }

  get size(): number {
    return this.used + this.long.size;
  }

  /**
   * The row that first used `identifier` (canonical digits), or undefined when this is its first use, in which
   * case `row` is remembered for it.
   */
  firstOrRemember(identifier: string, row: number): number | undefined {
    if (identifier.length > EXACT_DIGITS) {
      const first = this.long.get(identifier);
      if (first === undefined) this.long.set(identifier, row);
      return first;
    }
    const key = Number(identifier);
    const mask = this.keys.length - 1;
    for (let slot = hash(key) & mask; ; slot = (slot + 1) & mask) {
      const held = this.keys[slot];
      if (held === key) return this.rows[slot];
      if (held === EMPTY) {
        this.keys[slot] = key;
        this.rows[slot] = row;
        this.used += 1;
        if (this.used * 2 > this.keys.length) this.grow();
        return undefined;
      }
    }
  }

  private grow(): void {
    const { keys, rows } = this;
    this.keys = new Float64Array(keys.length * 2).fill(EMPTY);
    this.rows = new Int32Array(keys.length * 2);
    const mask = this.keys.length - 1;
    for (let i = 0; i < keys.length; i += 1) {
      if (keys[i] === EMPTY) continue;
      let slot = hash(keys[i]) & mask;
      while (this.keys[slot] !== EMPTY) slot = (slot + 1) & mask;
      this.keys[slot] = keys[i];
      this.rows[slot] = rows[i];
    }
  }
}

/** Spreads consecutive identifiers (the usual case) over the table. */
function hash(key: number): number {
  const low = key % 0x1_0000_0000;
  const high = (key - low) / 0x1_0000_0000;
  return Math.imul(low ^ Math.imul(high, 0x85ebca6b), 0x9e3779b1) >>> 0;
}
