// Fibers: C functions on stacks of their own, preempted by a per-thread timer signal (native/include/
// preemptible.h says what the API promises). The phases of one run:
//   1. pe_fiber_run arms this thread's POSIX timer (CLOCK_MONOTONIC, SIGEV_THREAD_ID) and swaps into the
//      fiber (a fresh makecontext on the first run, or the signal handler frame it paused in);
//   2. at the deadline the handler runs on the fiber's stack. At a safe point it swaps back to pe_fiber_run,
//      leaving its own frame (and the kernel's signal frame below it) on the fiber's stack; otherwise it
//      re-arms the timer PE_RETRY_NS later and returns;
//   3. the next run swaps back into the handler, which returns: sigreturn restores every register, the
//      signal mask and the floating-point state of the interrupted instruction.
// Safe point = the interrupted stack pointer is inside the running fiber's stack, and the instruction is
// not in a library whose internal state a switch could leave locked or half-updated (libc's malloc, the
// loader, libstdc++, the node binary with V8 and libuv). Those ranges are read once, before any timer is
// armed, so the handler only compares numbers. One exception: libc's string functions (memcpy, memset,
// strlen, ...) hold no state and take no lock, so an instruction inside one is a safe point when the code
// that called it is (x86-64: see FindLeaves and SafeAt below).
#include "../include/preemptible.h"

#if defined(__linux__) && (defined(__x86_64__) || defined(__aarch64__))
#define PE_SUPPORTED 1
#endif

#ifdef PE_SUPPORTED
#include <dlfcn.h>
#include <errno.h>
#include <link.h>
#include <pthread.h>
#include <signal.h>
#include <sys/mman.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <new>
#include <vector>

namespace {

constexpr size_t kDefaultStackBytes = 1 << 20;
constexpr uint32_t kMagic = 0x70654669;  // "peFi": a sigval that is really ours
constexpr size_t kPoolMax = 8;           // stacks kept for reuse

enum State { kNew, kRunning, kPaused, kDone, kCancelled };

struct Stack {
  char* base = nullptr;  // lowest address (the guard page)
  size_t bytes = 0;      // including the guard page
};

struct ThreadTimer;

}  // namespace

struct pe_fiber {
  pe_fn fn;
  pe_fn on_cancel;
  void* arg;
  size_t stack_bytes;
  Stack stack;
  ucontext_t ctx;     // where the fiber continues: its start, or the handler frame it paused in
  ucontext_t caller;  // where pe_fiber_run continues when the fiber pauses or returns
  volatile int state;
  int64_t deadline;  // of the current run (ns; INT64_MAX: none), at least PE_MIN_RUN_NS after it (re)started
  ThreadTimer* owner;
  int64_t deferring_since;  // ns of the first deferral of the current stretch; 0: none
};

namespace {

struct ThreadTimer {
  uint32_t magic = kMagic;
  timer_t timer{};
  pe_fiber* volatile running = nullptr;
  // Re-arming costs a system call that reprograms the CPU's timer (~3 us in a VM), so the timer is left
  // armed when a fiber returns before its deadline, and kept when a run's deadline is later than the one
  // armed: firing early, the handler re-arms for the running fiber's deadline. `armed` is cleared when it fires.
  volatile bool armed = false;
  volatile int64_t armed_at = 0;  // CLOCK_MONOTONIC ns it will fire at
  ucontext_t fresh;        // a context to start fibers from (getcontext once, not per fiber)
  pe_stats stats{};
};

// Set once by Init (on the first thread that uses fibers), read by handlers.
int g_signal = 0;
const char* g_unsupported = nullptr;
struct Range {
  uintptr_t lo, hi;
};
constexpr int kMaxRanges = 64;
Range g_excluded[kMaxRanges];
int g_excluded_count = 0;
std::once_flag g_init_once;

std::mutex g_pool_mutex;
std::vector<Stack> g_pool;

int64_t NowNs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

// Set by Init, before any fiber runs (the handler reads it: no lazy static initialisation there).
uintptr_t g_page = 4096;
uintptr_t PageBytes() { return g_page; }

// ---- address ranges where a switch is never made ----

bool IsExcludedLibrary(const char* path) {
  if (path == nullptr || path[0] == '\0') return true;  // the main program: node (V8, libuv, its own zlib)
  const char* base = std::strrchr(path, '/');
  base = base ? base + 1 : path;
  static const char* const kPrefixes[] = {"libc.so", "libc-", "ld-linux", "ld-musl", "ld.so", "libstdc++", "libgcc_s",
                                          "libm.so", "libpthread", "libdl.so", "librt.so", "libnode"};
  for (const char* prefix : kPrefixes) {
    if (std::strncmp(base, prefix, std::strlen(prefix)) == 0) return true;
  }
  return false;
}

int AddRanges(dl_phdr_info* info, size_t, void*) {
  if (!IsExcludedLibrary(info->dlpi_name)) return 0;
  for (int i = 0; i < info->dlpi_phnum && g_excluded_count < kMaxRanges; i++) {
    const ElfW(Phdr)& ph = info->dlpi_phdr[i];
    if (ph.p_type != PT_LOAD || (ph.p_flags & PF_X) == 0) continue;
    uintptr_t lo = info->dlpi_addr + ph.p_vaddr;
    g_excluded[g_excluded_count++] = {lo, lo + ph.p_memsz};
  }
  return 0;
}

bool Excluded(uintptr_t ip) {
  for (int i = 0; i < g_excluded_count; i++) {
    if (ip >= g_excluded[i].lo && ip < g_excluded[i].hi) return true;
  }
  return false;
}

// ---- libc's string functions: safe points when their caller is ----
// C code that copies or clears memory spends much of its time inside libc's memcpy/memset, where a switch
// was never made (deferrals of tens of ms). Those functions are leaves with no state, so stopping one
// halfway is as safe as stopping the code that called it; but libc calls them too, with locks held (a
// realloc copying under the arena lock), so the caller decides. Where the implementation the dynamic
// linker chose (IFUNC) starts and ends, and that it never moves the stack pointer (so the return address
// is at the stack pointer at every instruction), is read from libc's unwind tables (.eh_frame_hdr): an
// FDE whose only instructions are DW_CFA_nop under the standard x86-64 CIE (CFA = rsp + 8). A function
// that does not match exactly is left out, which only means deferring there as before.
constexpr int kMaxLeaves = 32;
Range g_leaves[kMaxLeaves];
int g_leaf_count = 0;

#if defined(__x86_64__)
const char* const kLeafFunctions[] = {"memcpy", "memmove", "mempcpy", "memset", "memcmp", "bcmp", "memchr", "memrchr",
                                      "rawmemchr", "strlen", "strnlen", "strcmp", "strncmp", "strchr", "strrchr",
                                      "strchrnul", "strcpy", "stpcpy", "__memcpy_chk", "__memmove_chk", "__memset_chk"};

struct EhFrameHdr {
  uintptr_t pc;        // an address in the function
  const uint8_t* hdr;  // the .eh_frame_hdr of the object whose code holds it, or nullptr
};

int FindEhFrameHdr(dl_phdr_info* info, size_t, void* data) {
  auto* want = static_cast<EhFrameHdr*>(data);
  bool holds = false;
  const uint8_t* hdr = nullptr;
  for (int i = 0; i < info->dlpi_phnum; i++) {
    const ElfW(Phdr)& ph = info->dlpi_phdr[i];
    uintptr_t lo = info->dlpi_addr + ph.p_vaddr;
    if (ph.p_type == PT_LOAD && (ph.p_flags & PF_X) != 0 && want->pc >= lo && want->pc < lo + ph.p_memsz) holds = true;
    if (ph.p_type == PT_GNU_EH_FRAME) hdr = reinterpret_cast<const uint8_t*>(lo);
  }
  if (!holds) return 0;
  want->hdr = hdr;
  return 1;
}

int32_t ReadS32(const uint8_t* p) {
  int32_t v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
uint32_t ReadU32(const uint8_t* p) {
  uint32_t v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

// The range of the function starting at or before `fn` in its FDE, if the FDE is a plain leaf's (see above).
bool LeafRange(uintptr_t fn, Range* out) {
  EhFrameHdr want{fn, nullptr};
  if (dl_iterate_phdr(FindEhFrameHdr, &want) == 0 || want.hdr == nullptr) return false;
  const uint8_t* hdr = want.hdr;
  // version 1; eh_frame_ptr 4 bytes (pcrel|sdata4); fde_count udata4; table datarel|sdata4 pairs.
  if (hdr[0] != 1 || hdr[1] != 0x1b || hdr[2] != 0x03 || hdr[3] != 0x3b) return false;
  uint32_t count = ReadU32(hdr + 8);
  const uint8_t* table = hdr + 12;
  auto start_of = [&](uint32_t i) { return reinterpret_cast<uintptr_t>(hdr) + ReadS32(table + 8 * i); };
  if (count == 0 || start_of(0) > fn) return false;
  uint32_t lo = 0, hi = count;  // the last entry starting at or before fn
  while (hi - lo > 1) {
    uint32_t mid = lo + (hi - lo) / 2;
    if (start_of(mid) <= fn) lo = mid; else hi = mid;
  }
  const uint8_t* fde = hdr + ReadS32(table + 8 * lo + 4);
  uint32_t fde_len = ReadU32(fde);
  if (fde_len == 0 || fde_len == 0xffffffffu) return false;
  const uint8_t* fde_end = fde + 4 + fde_len;
  const uint8_t* cie_ptr_at = fde + 4;
  const uint8_t* cie = cie_ptr_at - ReadU32(cie_ptr_at);
  // CIE: length, id 0, version 1, "zR", code align 1, data align -8, RA column 16, aug length 1, R = 0x1b,
  // then def_cfa rsp+8, rip at cfa-8, nops.
  static const uint8_t kCie[] = {0, 0, 0, 0, 1, 'z', 'R', 0, 1, 0x78, 16, 1, 0x1b, 0x0c, 7, 8, 0x90, 1};
  uint32_t cie_len = ReadU32(cie);
  if (cie_len < sizeof kCie || std::memcmp(cie + 4, kCie, sizeof kCie) != 0) return false;
  for (const uint8_t* p = cie + 4 + sizeof kCie; p < cie + 4 + cie_len; p++) {
    if (*p != 0) return false;
  }
  const uint8_t* pc_at = fde + 8;
  uintptr_t begin = reinterpret_cast<uintptr_t>(pc_at) + ReadS32(pc_at);
  uintptr_t end = begin + ReadU32(pc_at + 4);
  if (fn < begin || fn >= end) return false;
  if (pc_at[8] != 0) return false;  // augmentation data length: none
  for (const uint8_t* p = pc_at + 9; p < fde_end; p++) {
    if (*p != 0) return false;  // a CFA change: the return address is not always at the stack pointer
  }
  *out = {begin, end};
  return true;
}

void FindLeaves() {
  void* libc = dlopen("libc.so.6", RTLD_NOW | RTLD_NOLOAD);
  if (libc == nullptr) return;
  for (const char* name : kLeafFunctions) {
    auto fn = reinterpret_cast<uintptr_t>(dlsym(libc, name));  // the implementation the IFUNC chose
    Range r;
    if (fn == 0 || !Excluded(fn) || !LeafRange(fn, &r)) continue;
    bool known = false;
    for (int i = 0; i < g_leaf_count; i++) known = known || (g_leaves[i].lo == r.lo);
    if (!known && g_leaf_count < kMaxLeaves) g_leaves[g_leaf_count++] = r;
  }
  dlclose(libc);
}
#else
void FindLeaves() {}  // arm64 leaves keep the return address in a register: not done
#endif

// A switch may be made at `ip`: outside the excluded libraries, or inside one of libc's string functions
// called from outside them (its return address is at `sp`, which the caller checked lies in the fiber's stack).
bool SafeAt(uintptr_t ip, uintptr_t sp, uintptr_t stack_hi) {
  if (!Excluded(ip)) return true;
  for (int i = 0; i < g_leaf_count; i++) {
    if (ip >= g_leaves[i].lo && ip < g_leaves[i].hi) {
      if (sp + sizeof(uintptr_t) > stack_hi) return false;
      return !Excluded(*reinterpret_cast<const uintptr_t*>(sp));
    }
  }
  return false;
}

// ---- the handler ----

// Where the signal interrupted this thread: its stack pointer and instruction.
struct Interrupted {
  uintptr_t sp, ip;
};
Interrupted InterruptedAt(const ucontext_t* uc) {
#if defined(__x86_64__)
  return {static_cast<uintptr_t>(uc->uc_mcontext.gregs[REG_RSP]), static_cast<uintptr_t>(uc->uc_mcontext.gregs[REG_RIP])};
#else
  return {static_cast<uintptr_t>(uc->uc_mcontext.sp), static_cast<uintptr_t>(uc->uc_mcontext.pc)};
#endif
}

// Arms the timer to fire at `at` (CLOCK_MONOTONIC ns); async-signal-safe.
void ArmAt(ThreadTimer* t, int64_t at) {
  itimerspec spec{};
  spec.it_value.tv_sec = at / 1000000000;
  spec.it_value.tv_nsec = at % 1000000000;
  t->armed = true;
  t->armed_at = at;
  timer_settime(t->timer, TIMER_ABSTIME, &spec, nullptr);
}

// Every run lasts at least PE_MIN_RUN_NS from when the fiber's own code runs again, or a deadline already
// past would stop it before its first instruction every time: pushes the deadline that far from now (when
// it is finite) and makes sure the timer fires by then. (Firing early, the handler re-arms.)
void ArmFromNow(ThreadTimer* t, pe_fiber* f) {
  if (f->deadline == INT64_MAX) return;
  int64_t now = NowNs();
  int64_t earliest = now + PE_MIN_RUN_NS;
  if (f->deadline < earliest) f->deadline = earliest;
  // Kept only while it is still to fire by then: an expiry already past whose signal never cleared
  // `armed` (it should have) must not stand in for a timer.
  if (!t->armed || t->armed_at > f->deadline || t->armed_at <= now) ArmAt(t, f->deadline);
}

void OnTimer(int, siginfo_t* info, void* context) {
  if (info->si_code != SI_TIMER) return;
  auto* t = static_cast<ThreadTimer*>(info->si_value.sival_ptr);
  if (t == nullptr || t->magic != kMagic) return;
  t->armed = false;
  pe_fiber* f = t->running;
  if (f == nullptr || f->state != kRunning) return;  // a late signal: the fiber already came back
  int saved_errno = errno;
  int64_t now = NowNs();
  if (now < f->deadline) {  // armed for an earlier run's deadline
    ArmAt(t, f->deadline);
    errno = saved_errno;
    return;
  }
  Interrupted at = InterruptedAt(static_cast<ucontext_t*>(context));
  uintptr_t lo = reinterpret_cast<uintptr_t>(f->stack.base) + PageBytes();
  uintptr_t hi = reinterpret_cast<uintptr_t>(f->stack.base) + f->stack.bytes;
  if (at.sp < lo || at.sp >= hi || !SafeAt(at.ip, at.sp, hi)) {
    if (f->deferring_since == 0) f->deferring_since = now;
    t->stats.deferrals++;
    ArmAt(t, now + PE_RETRY_NS);
    errno = saved_errno;
    return;
  }
  if (f->deferring_since != 0) {
    int64_t stretch = now - f->deferring_since;
    if (stretch > t->stats.longest_defer_ns) t->stats.longest_defer_ns = stretch;
    f->deferring_since = 0;
  }
  t->stats.preemptions++;
  if (Excluded(at.ip)) t->stats.leaf_preemptions++;
  f->state = kPaused;
  swapcontext(&f->ctx, &f->caller);
  // Continued by pe_fiber_run: arm for this run, then return into the interrupted code.
  ArmFromNow(t, f);
  errno = saved_errno;
}

void Init() {
  g_page = static_cast<uintptr_t>(sysconf(_SC_PAGESIZE));
  dl_iterate_phdr(AddRanges, nullptr);
  FindLeaves();
  // A real-time signal nobody has claimed (Node and V8 use none of them; glibc keeps those below SIGRTMIN).
  for (int sig = SIGRTMIN + 4; sig <= SIGRTMAX - 1; sig++) {
    struct sigaction old;
    if (sigaction(sig, nullptr, &old) != 0) continue;
    if ((old.sa_flags & SA_SIGINFO) != 0 || old.sa_handler != SIG_DFL) continue;  // someone's
    struct sigaction sa;
    std::memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = OnTimer;
    sa.sa_flags = SA_SIGINFO | SA_RESTART;  // no SA_ONSTACK: the handler must run on the fiber's stack
    sigemptyset(&sa.sa_mask);
    if (sigaction(sig, &sa, nullptr) != 0) continue;
    g_signal = sig;
    return;
  }
  g_unsupported = "no free real-time signal for the fiber timer";
}

thread_local struct TimerHolder {
  ThreadTimer* timer = nullptr;
  bool failed = false;
  ~TimerHolder() {
    if (timer != nullptr) {
      timer_delete(timer->timer);
      timer->magic = 0;
      delete timer;
    }
  }
} tls_timer;

// This thread's timer, made on first use (NULL if it cannot be made).
ThreadTimer* TimerForThread() {
  if (tls_timer.timer != nullptr) return tls_timer.timer;
  if (tls_timer.failed) return nullptr;
  std::call_once(g_init_once, Init);
  if (g_unsupported != nullptr) {
    tls_timer.failed = true;
    return nullptr;
  }
  auto* t = new (std::nothrow) ThreadTimer();
  if (t == nullptr) return nullptr;
  sigevent sev;
  std::memset(&sev, 0, sizeof sev);
  sev.sigev_notify = SIGEV_THREAD_ID;
  sev.sigev_signo = g_signal;
  sev.sigev_value.sival_ptr = t;
  sev._sigev_un._tid = static_cast<pid_t>(gettid());
  if (timer_create(CLOCK_MONOTONIC, &sev, &t->timer) != 0) {
    delete t;
    tls_timer.failed = true;
    return nullptr;
  }
  // Node's threads may start with signals blocked; fibers start with this thread's mask (taken after).
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, g_signal);
  pthread_sigmask(SIG_UNBLOCK, &set, nullptr);
  getcontext(&t->fresh);
  tls_timer.timer = t;
  return t;
}

// ---- stacks ----

bool TakeStack(size_t bytes, Stack* out) {
  size_t page = PageBytes();
  size_t total = ((bytes + page - 1) / page) * page + page;  // + the guard page
  {
    std::lock_guard<std::mutex> lock(g_pool_mutex);
    for (size_t i = 0; i < g_pool.size(); i++) {
      if (g_pool[i].bytes == total) {
        *out = g_pool[i];
        g_pool[i] = g_pool.back();
        g_pool.pop_back();
        return true;
      }
    }
  }
  void* p = mmap(nullptr, total, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1, 0);
  if (p == MAP_FAILED) return false;
  if (mprotect(p, page, PROT_NONE) != 0) {
    munmap(p, total);
    return false;
  }
  out->base = static_cast<char*>(p);
  out->bytes = total;
  return true;
}

void GiveStack(Stack* s) {
  if (s->base == nullptr) return;
  {
    std::lock_guard<std::mutex> lock(g_pool_mutex);
    if (g_pool.size() < kPoolMax) {
      g_pool.push_back(*s);
      s->base = nullptr;
      return;
    }
  }
  munmap(s->base, s->bytes);
  s->base = nullptr;
}

void Start(unsigned lo, unsigned hi) {
  auto* f = reinterpret_cast<pe_fiber*>((static_cast<uintptr_t>(hi) << 32) | lo);
  f->fn(f->arg);
  f->state = kDone;
  // Returning resumes uc_link: f->caller.
}


void Disarm(ThreadTimer* t) {
  if (!t->armed) return;
  itimerspec spec{};
  t->armed = false;
  timer_settime(t->timer, 0, &spec, nullptr);
}

}  // namespace

extern "C" {

const char* pe_unsupported_reason(void) {
  if (TimerForThread() != nullptr) return nullptr;
  return g_unsupported != nullptr ? g_unsupported : "timer_create failed on this thread";
}

pe_fiber* pe_fiber_new(pe_fn fn, pe_fn on_cancel, void* arg, size_t stack_bytes) {
  auto* f = new (std::nothrow) pe_fiber();
  if (f == nullptr) return nullptr;
  f->fn = fn;
  f->on_cancel = on_cancel;
  f->arg = arg;
  f->stack_bytes = stack_bytes == 0 ? kDefaultStackBytes : stack_bytes;
  f->state = kNew;
  f->owner = nullptr;
  f->deferring_since = 0;
  return f;
}

int pe_fiber_run(pe_fiber* f, int64_t deadline_ns) {
  if (f == nullptr || (f->state != kNew && f->state != kPaused)) return PE_EINVAL;
  ThreadTimer* t = TimerForThread();
  if (t == nullptr) return PE_EUNSUPPORTED;
  if (t->running != nullptr || (f->owner != nullptr && f->owner != t)) return PE_EINVAL;
  if (f->state == kNew) {
    if (!TakeStack(f->stack_bytes, &f->stack)) return PE_EINVAL;
    f->ctx = t->fresh;
    f->ctx.uc_stack.ss_sp = f->stack.base + PageBytes();
    f->ctx.uc_stack.ss_size = f->stack.bytes - PageBytes();
    f->ctx.uc_link = &f->caller;
    auto bits = reinterpret_cast<uintptr_t>(f);
    makecontext(&f->ctx, reinterpret_cast<void (*)()>(Start), 2, static_cast<unsigned>(bits & 0xffffffffu),
                static_cast<unsigned>(bits >> 32));
    f->owner = t;
  }
  t->stats.runs++;
  bool fresh = f->state == kNew;
  f->state = kRunning;
  f->deadline = deadline_ns < 0 ? INT64_MAX : deadline_ns;
  // Running before the timer is armed: a signal from here on finds the fiber, and until the switch below
  // it finds the stack pointer outside the fiber's stack and retries (a signal that found nothing running
  // would be lost).
  t->running = f;
  if (f->deadline == INT64_MAX) {
    Disarm(t);  // left armed by an earlier run: this one has no deadline
  } else if (fresh) {
    ArmFromNow(t, f);
  }
  // (A paused fiber is armed by its handler frame once switched back to: its minimum run starts there.)
  int caller_errno = errno;  // the fiber's errno is its own (the handler keeps it), and so is ours
  swapcontext(&f->caller, &f->ctx);
  errno = caller_errno;
  // Back: the fiber returned (kDone) or the handler switched out (kPaused). The timer stays armed (a
  // signal then finds nothing running and is ignored): the next run will likely want the same deadline.
  t->running = nullptr;
  if (f->state == kDone) {
    GiveStack(&f->stack);
    return PE_DONE;
  }
  return PE_PAUSED;
}

int pe_fiber_cancel(pe_fiber* f) {
  if (f == nullptr || f->state != kPaused) return PE_EINVAL;
  f->state = kCancelled;
  // The frames on the fiber's stack (the callee's, the handler's, the kernel's signal frame) are dropped
  // with it: nothing on that stack runs again.
  if (f->on_cancel != nullptr) f->on_cancel(f->arg);
  GiveStack(&f->stack);
  return 0;
}

void pe_fiber_free(pe_fiber* f) {
  if (f == nullptr) return;
  if (f->state == kPaused) pe_fiber_cancel(f);
  GiveStack(&f->stack);
  delete f;
}

void pe_thread_stats(pe_stats* out, int reset) {
  ThreadTimer* t = tls_timer.timer;
  if (t == nullptr) {
    std::memset(out, 0, sizeof *out);
    return;
  }
  *out = t->stats;
  if (reset) t->stats = pe_stats{};
}

}  // extern "C"

#else  // not supported: the API exists and says so

extern "C" {
const char* pe_unsupported_reason(void) { return "native callees are only preempted on Linux x86-64 and arm64"; }
pe_fiber* pe_fiber_new(pe_fn, pe_fn, void*, size_t) { return nullptr; }
int pe_fiber_run(pe_fiber*, int64_t) { return PE_EUNSUPPORTED; }
int pe_fiber_cancel(pe_fiber*) { return PE_EINVAL; }
void pe_fiber_free(pe_fiber*) {}
void pe_thread_stats(pe_stats* out, int) { *out = pe_stats{}; }
}

#endif
