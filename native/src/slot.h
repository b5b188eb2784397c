// Layout of the per-environment slot: a SharedArrayBuffer written by the runtime (runtime/native.ts)
// and by the watchdog thread. Keep in sync with SLOT in runtime/native.ts.
#pragma once
#include <cstdint>

namespace preemptible {

constexpr int kSlotBytes = 72;

// int32 cells
constexpr int kGen = 0;         // generation of the armed deadline; odd while the runtime is rewriting it
constexpr int kFired = 1;       // watchdog: generation whose deadline has passed
constexpr int kGuardState = 2;  // see GuardState
constexpr int kThreadIdle = 3;  // watchdog: 1 while blocked with nothing armed (the runtime must wake it)
constexpr int kGcDepth = 4;     // GC callbacks: > 0 while a garbage collection runs

// float64 cells (byte offset = 8 * index)
constexpr int kDeadlineNs = 3;  // monotonic ns; +Infinity when disarmed
constexpr int kGraceNs = 4;     // ns past the deadline before the overrun guard terminates; +Infinity = never
constexpr int kTargetNs = 5;    // watchdog: when it will next look (the runtime wakes it for an earlier deadline)
constexpr int kGcNs = 6;        // GC callbacks: total ns spent in garbage collection so far
constexpr int kGcAtArmNs = 7;   // runtime: kGcNs when the deadline was armed (GC time does not use up the grace)
constexpr int kScavengeNs = 8;  // GC callbacks: how long a scavenge takes lately (a slowly decaying maximum)

// The guard handshake. Termination is only ever requested while a guard frame is on the stack (Active),
// and a guard frame that sees Killing/Killed knows the termination is ours and must be cancelled.
enum GuardState : int32_t { kNone = 0, kActive = 1, kKilling = 2, kKilled = 3 };

}  // namespace preemptible
