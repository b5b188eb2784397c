// One persistent timer thread per process. It watches every registered slot (one per Node environment:
// the main thread and each worker), raises `fired` when a slot's deadline passes, and when a guarded slice
// is still running at deadline + grace it terminates that environment's isolate.
#pragma once
#include <v8.h>

#include <pthread.h>
#include <time.h>

#include <cstdint>
#include <memory>

namespace preemptible {

struct Slot {
  v8::Isolate* isolate;
  std::shared_ptr<v8::BackingStore> store;  // keeps the SharedArrayBuffer memory alive
  clockid_t js_cpu_clock;                   // CPU-time clock of the environment's JS thread
  // Watchdog-private: the generation whose deadline it has seen pass, and the JS thread's CPU time then.
  int32_t seen_gen = -1;
  double cpu_at_deadline = 0;
  int32_t* i32() const { return static_cast<int32_t*>(store->Data()); }
  double* f64() const { return static_cast<double*>(store->Data()); }
};

double MonotonicNs();
// An atomic store into a float64 cell of the slot (the GC callbacks publish their times this way).
void StoreSlotF64(Slot* slot, int index, double value);

// Registry of slots; the thread starts with the first registration and lives for the process.
void RegisterSlot(Slot* slot);
void UnregisterSlot(Slot* slot);
// Wakes the thread (after arming a deadline earlier than it planned to look).
void WakeWatchdog();

}  // namespace preemptible
