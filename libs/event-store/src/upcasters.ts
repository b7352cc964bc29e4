/**
 * Events are never rewritten. When an event's shape changes, its schema version goes up and an
 * upcaster turns the older shape into the next one on read; chains run until the current version.
 */
export type Upcast = (data: unknown) => unknown;

export class UpcasterRegistry {
  private readonly byType = new Map<string, Map<number, Upcast>>();

  /** Registers the step from `fromVersion` to `fromVersion + 1` for `type`. */
  register(type: string, fromVersion: number, upcast: Upcast): this {
    const steps = this.byType.get(type) ?? new Map<number, Upcast>();
    if (steps.has(fromVersion)) throw new Error(`an upcaster for ${type} v${fromVersion} is already registered`);
    steps.set(fromVersion, upcast);
    this.byType.set(type, steps);
    return this;
  }

  /** The version new events of this type are written with. */
  currentVersion(type: string): number {
    const steps = this.byType.get(type);
    if (!steps || steps.size === 0) return 1;
    return Math.max(...steps.keys()) + 1;
  }

  /** Whether an event of this type stored at this version is changed on read. */
  upcasts(type: string, schemaVersion: number): boolean {
    return this.byType.get(type)?.has(schemaVersion) ?? false;
  }

  upcast(type: string, schemaVersion: number, data: unknown): { schemaVersion: number; data: unknown } {
    const steps = this.byType.get(type);
    if (!steps) return { schemaVersion, data };
    let version = schemaVersion;
    let current = data;
    for (let step = steps.get(version); step; step = steps.get(version)) {
      current = step(current);
      version += 1;
    }
    return { schemaVersion: version, data: current };
  }
}
