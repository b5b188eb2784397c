// Puts a native function on an object under `name`, with `data` for its callback (shared by the addon's
// modules).
#pragma once
#include <v8.h>

namespace preemptible {

inline void SetMethod(v8::Local<v8::Context> context, v8::Local<v8::Object> target, const char* name, v8::FunctionCallback cb,
                      v8::Local<v8::Value> data) {
  v8::Isolate* isolate = context->GetIsolate();
  v8::Local<v8::Function> fn = v8::FunctionTemplate::New(isolate, cb, data)->GetFunction(context).ToLocalChecked();
  v8::Local<v8::String> key = v8::String::NewFromUtf8(isolate, name).ToLocalChecked();
  fn->SetName(key);
  target->Set(context, key, fn).Check();
}

}  // namespace preemptible
