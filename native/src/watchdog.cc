#include "watchdog.h"

#include <sys/prctl.h>
#include <time.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <thread>
#include <vector>

#include "slot.h"

namespace preemptible {
namespace {

// While deadlines come and go, the thread keeps polling this often so that arming is just a memory write;
// it blocks (and must be woken) only after kIdleNs without any armed deadline.
constexpr double kPollNs = 200e3;
constexpr double kIdleNs = 20e6;

// Never destroyed: the thread outlives static destructors at process exit (destroying a condition
// variable it waits on blocks exit forever).
std::mutex& mu = *new std::mutex;
std::condition_variable& cv = *new std::condition_variable;
std::vector<Slot*>& slots = *new std::vector<Slot*>;
bool started = false;
bool wake_pending = false;

int32_t LoadI32(const Slot* s, int i) { return __atomic_load_n(&s->i32()[i], __ATOMIC_ACQUIRE); }
void StoreI32(const Slot* s, int i, int32_t v) { __atomic_store_n(&s->i32()[i], v, __ATOMIC_RELEASE); }
double LoadF64(const Slot* s, int i) {
  int64_t bits = __atomic_load_n(reinterpret_cast<int64_t*>(&s->f64()[i]), __ATOMIC_ACQUIRE);
  double d;
  std::memcpy(&d, &bits, sizeof d);
  return d;
}
void StoreF64(const Slot* s, int i, double d) {
  int64_t bits;
  std::memcpy(&bits, &d, sizeof d);
  __atomic_store_n(reinterpret_cast<int64_t*>(&s->f64()[i]), bits, __ATOMIC_RELEASE);
}

struct Armed {
  int32_t gen;
  double deadline;
  double grace;
  double gc_at_arm;
};

// Seqlock read: the runtime makes the generation odd while it rewrites deadline and grace.
bool ReadArmed(const Slot* s, Armed* out) {
  for (int tries = 0; tries < 100; tries++) {
    int32_t g1 = LoadI32(s, kGen);
    if (g1 & 1) continue;
    double d = LoadF64(s, kDeadlineNs);
    double g = LoadF64(s, kGraceNs);
    double gc = LoadF64(s, kGcAtArmNs);
    if (LoadI32(s, kGen) == g1) {
      *out = {g1, d, g, gc};
      return true;
    }
  }
  return false;
}

double ThreadCpuNs(const Slot* s) {
  struct timespec ts;
  if (clock_gettime(s->js_cpu_clock, &ts) != 0) return INFINITY;  // cannot tell: fall back to wall time
  return static_cast<double>(ts.tv_sec) * 1e9 + static_cast<double>(ts.tv_nsec);
}

// Terminates the slot's isolate if the guarded slice of generation `gen` is still running.
void MaybeTerminate(Slot* s, int32_t gen) {
  int32_t expected = kActive;
  if (!__atomic_compare_exchange_n(&s->i32()[kGuardState], &expected, kKilling, false, __ATOMIC_ACQ_REL,
                                   __ATOMIC_ACQUIRE)) {
    return;  // no guard frame on the stack, or already terminating
  }
  if (LoadI32(s, kGen) != gen) {
    // The runtime moved on (slice ended or a nested one started) between our read and the CAS.
    StoreI32(s, kGuardState, kActive);
    return;
  }
  s->isolate->TerminateExecution();
  StoreI32(s, kGuardState, kKilled);
}

void Loop() {
  prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);  // default slack (50 us) would dominate pause latency
  double last_armed = MonotonicNs();
  std::unique_lock<std::mutex> lock(mu);
  for (;;) {
    double now = MonotonicNs();
    double next = INFINITY;
    for (Slot* s : slots) {
      Armed a;
      if (!ReadArmed(s, &a) || std::isinf(a.deadline)) continue;
      last_armed = now;
      if (now >= a.deadline) {
        if (LoadI32(s, kFired) != a.gen) StoreI32(s, kFired, a.gen);
        if (s->seen_gen != a.gen) {
          s->seen_gen = a.gen;
          s->cpu_at_deadline = ThreadCpuNs(s);
        }
        // A garbage collection is a stall, not code that cannot pause: GC time since arming extends the
        // grace, and nothing is terminated while one runs.
        double kill_at = a.deadline + a.grace + (LoadF64(s, kGcNs) - a.gc_at_arm);
        bool in_gc = LoadI32(s, kGcDepth) > 0;
        // The JS thread must also have *run* for the grace since the deadline: a thread the OS did not
        // schedule (an overloaded machine) is not stuck in code that cannot pause.
        bool ran = !(ThreadCpuNs(s) - s->cpu_at_deadline < a.grace);
        if (now >= kill_at && !in_gc && ran) {
          MaybeTerminate(s, a.gen);
        } else {
          next = std::min(next, (in_gc || now >= kill_at) ? now + kPollNs : kill_at);
        }
      } else {
        next = std::min(next, a.deadline);
      }
    }
    bool idle = std::isinf(next) && now - last_armed > kIdleNs;
    double target = idle ? INFINITY : std::min(next, now + kPollNs);
    for (Slot* s : slots) {
      StoreF64(s, kTargetNs, target);
      StoreI32(s, kThreadIdle, idle ? 1 : 0);
    }
    // steady_clock is CLOCK_MONOTONIC, the clock deadlines are written in; with 1 ns timer slack the
    // timed wait wakes within microseconds of the target. WakeWatchdog() interrupts either wait.
    auto woken = [] { return wake_pending; };
    if (idle) {
      cv.wait(lock, woken);
      last_armed = MonotonicNs();
    } else {
      auto when = std::chrono::steady_clock::time_point(
          std::chrono::nanoseconds(static_cast<int64_t>(target)));
      cv.wait_until(lock, when, woken);
    }
    wake_pending = false;
  }
}

}  // namespace

void StoreSlotF64(Slot* s, int index, double value) { StoreF64(s, index, value); }

double MonotonicNs() {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<double>(ts.tv_sec) * 1e9 + static_cast<double>(ts.tv_nsec);
}

void RegisterSlot(Slot* slot) {
  std::lock_guard<std::mutex> lock(mu);
  slots.push_back(slot);
  if (!started) {
    started = true;
    std::thread(Loop).detach();  // lives for the process, like node's own platform threads
  }
  wake_pending = true;
  cv.notify_one();
}

void UnregisterSlot(Slot* slot) {
  std::lock_guard<std::mutex> lock(mu);
  slots.erase(std::remove(slots.begin(), slots.end(), slot), slots.end());
}

void WakeWatchdog() {
  {
    std::lock_guard<std::mutex> lock(mu);
    wake_pending = true;
  }
  cv.notify_one();
}

}  // namespace preemptible
