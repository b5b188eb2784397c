// The JS surface of native callees (runtime/native-callee.ts), over the fiber core (fiber.cc):
//   calleeSupport()                      null, or why fibers cannot be preempted on this thread
//   calleeOpen(path, symbol, cancel?)    dlopen + dlsym: a handle for `void fn(void *arg)` (and its hook)
//   calleeCall(handle, arg)              fn(arg) on the JS thread's own stack, to completion
//   fiberNew(handle, arg, stackBytes)    a fiber for fn(arg): its id (per environment)
//   fiberRun(id, deadlineNs)             runs it until fn returns (0) or the deadline (1); Infinity: no deadline
//   fiberCancel(id)                      a paused fiber: runs the hook, frees it; a finished one: frees it
//   fiberStats(reset)                    { runs, preemptions, deferrals, longestDeferralNs, libcPreemptions, live } of this
//                                        thread (counters since it started, or since the last reset)
// `arg` is an ArrayBuffer, SharedArrayBuffer or a view of one: the C function gets a pointer to its bytes,
// kept alive (even if the buffer is transferred) until the fiber is freed.
#include "callee.h"

#include <dlfcn.h>
#include <node.h>

#include <cmath>
#include <memory>
#include <string>
#include <unordered_map>

#include "../include/preemptible.h"
#include "method.h"

namespace preemptible {
namespace {

using v8::ArrayBuffer;
using v8::ArrayBufferView;
using v8::BackingStore;
using v8::Context;
using v8::External;
using v8::FunctionCallbackInfo;
using v8::Isolate;
using v8::Local;
using v8::Number;
using v8::Object;
using v8::SharedArrayBuffer;
using v8::String;
using v8::Value;

struct Callee {
  pe_fn fn;
  pe_fn on_cancel;
};

struct Fiber {
  pe_fiber* fiber;
  std::shared_ptr<BackingStore> store;  // the argument's memory
};

struct Fibers {
  uint32_t next = 1;
  std::unordered_map<uint32_t, Fiber> live;
};

Fibers* Data(const FunctionCallbackInfo<Value>& info) { return static_cast<Fibers*>(info.Data().As<External>()->Value()); }

void Throw(Isolate* isolate, const std::string& message) {
  isolate->ThrowException(v8::Exception::Error(String::NewFromUtf8(isolate, message.c_str()).ToLocalChecked()));
}

bool ArgBytes(Local<Value> v, std::shared_ptr<BackingStore>* store, void** data) {
  if (v->IsArrayBuffer()) {
    *store = v.As<ArrayBuffer>()->GetBackingStore();
    *data = (*store)->Data();
    return true;
  }
  if (v->IsSharedArrayBuffer()) {
    *store = v.As<SharedArrayBuffer>()->GetBackingStore();
    *data = (*store)->Data();
    return true;
  }
  if (v->IsArrayBufferView()) {
    Local<ArrayBufferView> view = v.As<ArrayBufferView>();
    *store = view->Buffer()->GetBackingStore();  // moves a small on-heap typed array's bytes off the heap
    *data = static_cast<char*>((*store)->Data()) + view->ByteOffset();
    return true;
  }
  return false;
}

Callee* CalleeOf(Local<Value> v) {
  if (!v->IsExternal()) return nullptr;
  return static_cast<Callee*>(v.As<External>()->Value());
}

void Support(const FunctionCallbackInfo<Value>& info) {
  const char* reason = pe_unsupported_reason();
  if (reason == nullptr) return info.GetReturnValue().SetNull();
  info.GetReturnValue().Set(String::NewFromUtf8(info.GetIsolate(), reason).ToLocalChecked());
}

void Open(const FunctionCallbackInfo<Value>& info) {
  Isolate* isolate = info.GetIsolate();
  if (info.Length() < 2 || !info[0]->IsString() || !info[1]->IsString()) return Throw(isolate, "calleeOpen(path, symbol, cancel?)");
  String::Utf8Value path(isolate, info[0]);
  String::Utf8Value symbol(isolate, info[1]);
  // Never closed: a paused fiber may be inside the library, and handles are shared by every callee of it.
  // RTLD_DEEPBIND: the library binds to its own dependencies first (libpng to the system libz, not to the
  // copy of zlib inside node, where a switch is never made); what they lack still comes from the process.
  void* lib = dlopen(*path, RTLD_NOW | RTLD_LOCAL | RTLD_DEEPBIND);
  if (lib == nullptr) return Throw(isolate, std::string("cannot load ") + *path + ": " + dlerror());
  void* fn = dlsym(lib, *symbol);
  if (fn == nullptr) return Throw(isolate, std::string("no symbol ") + *symbol + " in " + *path);
  void* cancel = nullptr;
  if (info.Length() > 2 && info[2]->IsString()) {
    String::Utf8Value cancel_symbol(isolate, info[2]);
    cancel = dlsym(lib, *cancel_symbol);
    if (cancel == nullptr) return Throw(isolate, std::string("no symbol ") + *cancel_symbol + " in " + *path);
  }
  auto* callee = new Callee{reinterpret_cast<pe_fn>(fn), reinterpret_cast<pe_fn>(cancel)};  // lives as long as the library
  info.GetReturnValue().Set(External::New(isolate, callee));
}

void Call(const FunctionCallbackInfo<Value>& info) {
  Callee* callee = info.Length() > 1 ? CalleeOf(info[0]) : nullptr;
  std::shared_ptr<BackingStore> store;
  void* data = nullptr;
  if (callee == nullptr || !ArgBytes(info[1], &store, &data)) return Throw(info.GetIsolate(), "calleeCall(handle, arg)");
  callee->fn(data);
}

void New(const FunctionCallbackInfo<Value>& info) {
  Isolate* isolate = info.GetIsolate();
  Callee* callee = info.Length() > 2 ? CalleeOf(info[0]) : nullptr;
  Fiber entry{};
  void* data = nullptr;
  if (callee == nullptr || !ArgBytes(info[1], &entry.store, &data) || !info[2]->IsNumber()) {
    return Throw(isolate, "fiberNew(handle, arg, stackBytes)");
  }
  double stack = info[2].As<Number>()->Value();
  entry.fiber = pe_fiber_new(callee->fn, callee->on_cancel, data, stack > 0 ? static_cast<size_t>(stack) : 0);
  if (entry.fiber == nullptr) return Throw(isolate, "out of memory for a fiber");
  Fibers* fibers = Data(info);
  uint32_t id = fibers->next++;
  fibers->live.emplace(id, std::move(entry));
  info.GetReturnValue().Set(id);
}

Fiber* Find(const FunctionCallbackInfo<Value>& info) {
  if (info.Length() < 1 || !info[0]->IsUint32()) return nullptr;
  auto it = Data(info)->live.find(info[0].As<v8::Uint32>()->Value());
  return it == Data(info)->live.end() ? nullptr : &it->second;
}

void Run(const FunctionCallbackInfo<Value>& info) {
  Isolate* isolate = info.GetIsolate();
  Fiber* entry = Find(info);
  if (entry == nullptr || info.Length() < 2 || !info[1]->IsNumber()) return Throw(isolate, "fiberRun(id, deadlineNs): no such fiber");
  double deadline = info[1].As<Number>()->Value();
  int r = pe_fiber_run(entry->fiber, std::isfinite(deadline) ? static_cast<int64_t>(deadline) : -1);
  if (r == PE_EUNSUPPORTED) return Throw(isolate, pe_unsupported_reason() ? pe_unsupported_reason() : "fibers unsupported");
  if (r < 0) return Throw(isolate, "fiberRun: the fiber is not runnable (finished, cancelled, another thread's, or another one is running)");
  if (r == PE_DONE) {
    pe_fiber_free(entry->fiber);
    Data(info)->live.erase(info[0].As<v8::Uint32>()->Value());
  }
  info.GetReturnValue().Set(r);
}

void Cancel(const FunctionCallbackInfo<Value>& info) {
  Fiber* entry = Find(info);
  if (entry == nullptr) return;  // finished or cancelled already
  pe_fiber_free(entry->fiber);  // runs the hook of a paused fiber
  Data(info)->live.erase(info[0].As<v8::Uint32>()->Value());
}

void SetNumber(Isolate* isolate, Local<Object> o, const char* key, double value) {
  o->Set(isolate->GetCurrentContext(), String::NewFromUtf8(isolate, key).ToLocalChecked(), Number::New(isolate, value)).Check();
}

void Stats(const FunctionCallbackInfo<Value>& info) {
  Isolate* isolate = info.GetIsolate();
  pe_stats s;
  pe_thread_stats(&s, info.Length() > 0 && info[0]->IsTrue());
  Local<Object> o = Object::New(isolate);
  SetNumber(isolate, o, "runs", static_cast<double>(s.runs));
  SetNumber(isolate, o, "preemptions", static_cast<double>(s.preemptions));
  SetNumber(isolate, o, "deferrals", static_cast<double>(s.deferrals));
  SetNumber(isolate, o, "longestDeferralNs", static_cast<double>(s.longest_defer_ns));
  SetNumber(isolate, o, "libcPreemptions", static_cast<double>(s.leaf_preemptions));
  SetNumber(isolate, o, "live", static_cast<double>(Data(info)->live.size()));
  info.GetReturnValue().Set(o);
}

void Cleanup(void* arg) {
  auto* fibers = static_cast<Fibers*>(arg);
  for (auto& entry : fibers->live) pe_fiber_free(entry.second.fiber);
  delete fibers;
}

}  // namespace

void InitCallees(Local<Context> context, Local<Object> exports) {
  Isolate* isolate = context->GetIsolate();
  auto* fibers = new Fibers();
  node::AddEnvironmentCleanupHook(isolate, Cleanup, fibers);
  Local<External> data = External::New(isolate, fibers);
  SetMethod(context, exports, "calleeSupport", Support, data);
  SetMethod(context, exports, "calleeOpen", Open, data);
  SetMethod(context, exports, "calleeCall", Call, data);
  SetMethod(context, exports, "fiberNew", New, data);
  SetMethod(context, exports, "fiberRun", Run, data);
  SetMethod(context, exports, "fiberCancel", Cancel, data);
  SetMethod(context, exports, "fiberStats", Stats, data);
}

}  // namespace preemptible
