/*
 * preemptible.h -- run a C function on its own stack, on the calling thread, with a deadline.
 *
 * This is the C core of `preemptible/native` (the addon exports these symbols). A fiber runs
 * `fn(arg)` on a stack of its own taken from a pool (with a guard page). pe_fiber_run() switches to it and
 * comes back when the function returns (PE_DONE) or when a per-thread POSIX timer fires at the deadline
 * and the interrupted instruction is at a safe point (PE_PAUSED): the stack pointer lies inside the fiber's
 * own stack and the instruction is not inside libc, the dynamic loader, libstdc++, libgcc or the node
 * binary (decided by address ranges taken when the library initialises) -- except inside libc's string
 * functions (memcpy, memset, strlen, ...; x86-64) called from code outside those. At an unsafe point the
 * switch is deferred and retried every PE_RETRY_NS. A paused fiber continues where it was on the next
 * pe_fiber_run().
 *
 * The function must not call into V8 or Node, must not block in system calls for long (the timer signal
 * interrupts them every retry while a switch is deferred), and must not unwind (longjmp, C++ exceptions)
 * across the start of the fiber. Memory it allocated is not reclaimed by a cancel: give the fiber an
 * `on_cancel` hook that frees what `arg` tracks.
 *
 * Only the thread that created a fiber may run it; one fiber runs at a time per thread.
 */
#ifndef PREEMPTIBLE_H
#define PREEMPTIBLE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct pe_fiber pe_fiber;
typedef void (*pe_fn)(void *arg);

/* What pe_fiber_run returns. */
enum {
  PE_DONE = 0,         /* fn returned */
  PE_PAUSED = 1,       /* preempted at the deadline; run it again to continue */
  PE_EINVAL = -1,      /* the fiber has finished or was cancelled, or another fiber is running */
  PE_EUNSUPPORTED = -2 /* this platform or thread cannot preempt (see pe_unsupported_reason) */
};

/* Deferred switches are retried this often (ns). */
#define PE_RETRY_NS 20000
/* The fiber's code runs at least this long (ns) in each run before it can be preempted, so every run makes
 * progress even with a deadline already past. */
#define PE_MIN_RUN_NS 20000

/* NULL when fibers can be preempted here; otherwise why not (static text). */
const char *pe_unsupported_reason(void);

/* A fiber that will run fn(arg) on a stack of `stack_bytes` (0: 1 MiB). NULL when out of memory. */
pe_fiber *pe_fiber_new(pe_fn fn, pe_fn on_cancel, void *arg, size_t stack_bytes);

/*
 * Runs (or continues) the fiber until fn returns or the deadline passes: `deadline_ns` is CLOCK_MONOTONIC
 * in ns, or a negative number for no deadline (run to completion).
 */
int pe_fiber_run(pe_fiber *fiber, int64_t deadline_ns);

/* A fiber that is paused: runs on_cancel(arg) (if given) and gives its stack back. 0, or PE_EINVAL. */
int pe_fiber_cancel(pe_fiber *fiber);

/* Frees the fiber (cancelling it first if it is paused). */
void pe_fiber_free(pe_fiber *fiber);

/* Counters of this thread's fibers (since it started, or since the last reset). Fields are only ever
 * added at the end, and pe_thread_stats writes the whole struct: rebuild against this header. */
typedef struct pe_stats {
  uint64_t runs;            /* pe_fiber_run calls that entered a fiber */
  uint64_t preemptions;     /* switches out at a deadline */
  uint64_t deferrals;       /* timer signals that found the fiber at an unsafe point */
  int64_t longest_defer_ns; /* the longest stretch from the first deferral to the switch out */
  uint64_t leaf_preemptions; /* of the preemptions, those inside one of libc's string functions */
} pe_stats;
/* Copies the counters to `out`; with `reset` non-zero, starts them again from zero. */
void pe_thread_stats(pe_stats *out, int reset);

#ifdef __cplusplus
}
#endif

#endif /* PREEMPTIBLE_H */
