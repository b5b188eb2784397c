// Native callees: C functions run on fibers (fiber.cc), exposed to the runtime (callee.cc).
#pragma once
#include <v8.h>

namespace preemptible {

void InitCallees(v8::Local<v8::Context> context, v8::Local<v8::Object> exports);

}  // namespace preemptible
