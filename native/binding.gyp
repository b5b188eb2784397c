{
  "targets": [
    {
      "target_name": "preemptible",
      "sources": ["src/addon.cc", "src/watchdog.cc", "src/callee.cc", "src/fiber.cc"],
      "libraries": ["-ldl", "-lrt"],
      "cflags_cc": ["-std=c++17", "-O2", "-Wall", "-Wextra", "-Wno-unused-parameter", "-Wno-cast-function-type"],
      "cflags_cc!": ["-fno-exceptions", "-std=gnu++17"],
      "xcode_settings": { "CLANG_CXX_LANGUAGE_STANDARD": "c++17", "OTHER_CPLUSPLUSFLAGS": ["-O2"] }
    }
  ]
}
