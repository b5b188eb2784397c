// Test helper: the runtime's per-realm shared state (runtime/shared.ts), for counters tests read.
export interface RuntimeShared {
  rate: number;
  rehearsals: number;
  scavengePauses: number;
  stack: unknown[];
}

export function runtimeShared(): RuntimeShared {
  return (globalThis as unknown as Record<symbol, RuntimeShared>)[Symbol.for('preemptible.runtime.shared.v1')]!;
}
