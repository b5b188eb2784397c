// The addon's JS surface (context-aware, so workers get their own slot):
//   register(sab)          attach this environment's slot (a 64-byte SharedArrayBuffer) to the watchdog
//   wake()                 make the watchdog look again now (an earlier deadline was armed)
//   nowNs()                CLOCK_MONOTONIC in ns, to translate performance.now() deadlines
//   guard(fn, overrun)     call fn() as a guarded slice: returns its result, or `overrun` when the watchdog
//                          terminated it (the termination is cancelled here, and only if it was ours)
//   newSpaceFree()         bytes the young generation can still allocate before the next scavenge
//   calleeOpen(...), fiberRun(...), ...   native callees on fibers (callee.cc)
#include <node.h>
#include <v8.h>

#include <algorithm>
#include <cstring>
#include <thread>

#include "callee.h"
#include "method.h"
#include "slot.h"
#include "watchdog.h"

namespace preemptible {
namespace {

using v8::Context;
using v8::External;
using v8::Function;
using v8::FunctionCallbackInfo;
using v8::Isolate;
using v8::Local;
using v8::MaybeLocal;
using v8::Object;
using v8::SharedArrayBuffer;
using v8::String;
using v8::TryCatch;
using v8::Value;

struct EnvSlot {
  Slot slot{};
  bool registered = false;
  double gc_start = 0;
  double gc_total = 0;
  v8::GCType gc_type = v8::kGCTypeScavenge;  // of the outermost collection running
  double scavenge_recent = 0;
  int new_space = -1;  // index of "new_space" for GetHeapSpaceStatistics; -1: not found
};

// How much of the recent maximum a scavenge's duration keeps per scavenge: a slow one is remembered for
// some dozens of scavenges (the runtime's forecast must cover the slow ones, not the median).
constexpr double kScavengeDecay = 0.97;

// GC callbacks (on the JS thread): publish "in GC" and the total GC time, so the watchdog does not count a
// long collection against the grace period of a slice that would pause right after it.
void GcPrologue(Isolate*, v8::GCType type, v8::GCCallbackFlags, void* data) {
  auto* env = static_cast<EnvSlot*>(data);
  if (!env->registered) return;
  int32_t* depth = &env->slot.i32()[kGcDepth];
  if (__atomic_fetch_add(depth, 1, __ATOMIC_ACQ_REL) == 0) {
    env->gc_start = MonotonicNs();
    env->gc_type = type;
  }
}

void GcEpilogue(Isolate*, v8::GCType, v8::GCCallbackFlags, void* data) {
  auto* env = static_cast<EnvSlot*>(data);
  if (!env->registered) return;
  int32_t* depth = &env->slot.i32()[kGcDepth];
  int32_t d = __atomic_load_n(depth, __ATOMIC_ACQUIRE);
  if (d <= 0) return;
  if (d == 1) {
    // Publish the GC time before leaving "in GC": the watchdog must never see neither.
    double took = MonotonicNs() - env->gc_start;
    env->gc_total += took;
    StoreSlotF64(&env->slot, kGcNs, env->gc_total);
    if (env->gc_type == v8::kGCTypeScavenge) {
      env->scavenge_recent = std::max(took, env->scavenge_recent * kScavengeDecay);
      StoreSlotF64(&env->slot, kScavengeNs, env->scavenge_recent);
    }
  }
  __atomic_store_n(depth, d - 1, __ATOMIC_RELEASE);
}

EnvSlot* Data(const FunctionCallbackInfo<Value>& info) {
  return static_cast<EnvSlot*>(info.Data().As<External>()->Value());
}

void ThrowType(Isolate* isolate, const char* message) {
  isolate->ThrowException(v8::Exception::TypeError(String::NewFromUtf8(isolate, message).ToLocalChecked()));
}

void Register(const FunctionCallbackInfo<Value>& info) {
  EnvSlot* env = Data(info);
  if (env->registered) return;
  if (info.Length() < 1 || !info[0]->IsSharedArrayBuffer()) return ThrowType(info.GetIsolate(), "register(sab): expected a SharedArrayBuffer");
  Local<SharedArrayBuffer> sab = info[0].As<SharedArrayBuffer>();
  if (sab->ByteLength() < static_cast<size_t>(kSlotBytes)) return ThrowType(info.GetIsolate(), "register(sab): buffer too small");
  env->slot.isolate = info.GetIsolate();
  env->slot.store = sab->GetBackingStore();
  if (pthread_getcpuclockid(pthread_self(), &env->slot.js_cpu_clock) != 0) env->slot.js_cpu_clock = CLOCK_MONOTONIC;
  env->registered = true;
  for (size_t i = 0; i < info.GetIsolate()->NumberOfHeapSpaces(); i++) {
    v8::HeapSpaceStatistics stats;
    if (info.GetIsolate()->GetHeapSpaceStatistics(&stats, i) && std::strcmp(stats.space_name(), "new_space") == 0) env->new_space = static_cast<int>(i);
  }
  info.GetIsolate()->AddGCPrologueCallback(GcPrologue, env);
  info.GetIsolate()->AddGCEpilogueCallback(GcEpilogue, env);
  RegisterSlot(&env->slot);
}

void Wake(const FunctionCallbackInfo<Value>&) { WakeWatchdog(); }

// -1 when the engine does not say (no "new_space", or not registered).
void NewSpaceFree(const FunctionCallbackInfo<Value>& info) {
  EnvSlot* env = Data(info);
  v8::HeapSpaceStatistics stats;
  if (env->new_space < 0 || !info.GetIsolate()->GetHeapSpaceStatistics(&stats, env->new_space)) return info.GetReturnValue().Set(-1);
  info.GetReturnValue().Set(static_cast<double>(stats.space_available_size()));
}

void NowNs(const FunctionCallbackInfo<Value>& info) { info.GetReturnValue().Set(MonotonicNs()); }

void Guard(const FunctionCallbackInfo<Value>& info) {
  Isolate* isolate = info.GetIsolate();
  EnvSlot* env = Data(info);
  if (!env->registered || info.Length() < 2 || !info[0]->IsFunction()) return ThrowType(isolate, "guard(fn, overrun): bad arguments");
  int32_t* state = &env->slot.i32()[kGuardState];
  int32_t outer = __atomic_load_n(state, __ATOMIC_ACQUIRE);  // kNone, or kActive for a nested guard
  __atomic_store_n(state, kActive, __ATOMIC_RELEASE);

  TryCatch try_catch(isolate);
  // No message objects for exceptions thrown inside: with a capturing TryCatch on the stack V8 builds one
  // (source location and all) at every throw, and a pause throws once per captured frame (lazy capture),
  // which made pausing several times slower than without the addon. What escapes the task is rethrown by
  // launch/resume in JS, which gets its message there.
  try_catch.SetCaptureMessage(false);
  MaybeLocal<Value> result = info[0].As<Function>()->Call(isolate->GetCurrentContext(), v8::Undefined(isolate), 0, nullptr);

  // Exit handshake with the watchdog: if it started a kill for this frame, wait until the kill is
  // complete, then cancel it -- also when fn returned normally (a termination requested during a
  // non-interruptible builtin would otherwise hit the next, unrelated JS).
  bool terminated = try_catch.HasTerminated();  // read before CancelTerminateExecution clears it
  // The watchdog may be between its CAS to Killing and either finishing the kill (Killed) or backing off
  // (Active again, when the generation moved on): wait for it to decide.
  bool ours = false;
  for (;;) {
    int32_t expected = kActive;
    if (__atomic_compare_exchange_n(state, &expected, outer, false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) break;
    if (expected == kKilled) {
      ours = true;
      break;
    }
    std::this_thread::yield();
  }
  if (ours) {
    isolate->CancelTerminateExecution();
    __atomic_store_n(state, outer, __ATOMIC_RELEASE);
    if (terminated || result.IsEmpty()) {
      try_catch.Reset();
      info.GetReturnValue().Set(info[1]);  // the slice was cut off: report the overrun
      return;
    }
  }
  if (result.IsEmpty()) {
    // An exception from the task, or a termination that is not ours (worker.terminate(), a vm timeout):
    // let it continue unchanged.
    try_catch.ReThrow();
    return;
  }
  info.GetReturnValue().Set(result.ToLocalChecked());
}

void Cleanup(void* arg) {
  auto* env = static_cast<EnvSlot*>(arg);
  if (env->registered) {
    UnregisterSlot(&env->slot);
    env->slot.isolate->RemoveGCPrologueCallback(GcPrologue, env);
    env->slot.isolate->RemoveGCEpilogueCallback(GcEpilogue, env);
  }
  delete env;
}

}  // namespace
}  // namespace preemptible

NODE_MODULE_INIT(/* exports, module, context */) {
  using namespace preemptible;
  Isolate* isolate = context->GetIsolate();
  auto* env = new EnvSlot();
  node::AddEnvironmentCleanupHook(isolate, Cleanup, env);
  Local<External> data = External::New(isolate, env);
  SetMethod(context, exports, "register", Register, data);
  SetMethod(context, exports, "wake", Wake, data);
  SetMethod(context, exports, "nowNs", NowNs, data);
  SetMethod(context, exports, "guard", Guard, data);
  SetMethod(context, exports, "newSpaceFree", NewSpaceFree, data);
  InitCallees(context, exports);
  exports->Set(context, String::NewFromUtf8(isolate, "slotBytes").ToLocalChecked(), v8::Integer::New(isolate, kSlotBytes)).Check();
}
