#define _GNU_SOURCE
#include "CLuaWatchdog.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include <lauxlib.h>

struct clua_watch {
    lua_State *L;
    int instructions;
};

// Asked of the kernel; it checks CPU-time timers at its scheduler tick, so the period a thread
// really gets is that tick (4 ms with Debian's kernels) when it is longer.
enum { period_ms = 1 };

static pthread_mutex_t setup_lock = PTHREAD_MUTEX_INITIALIZER;
static int handler_installed; // guarded by setup_lock
static int budget_signal;
static pthread_key_t timer_owner; // its destructor deletes a thread's timer when the thread ends

enum timer_state { timer_none = 0, timer_armed = 1, timer_unavailable = -1 };

// All per thread: the handler only ever looks at the thread it interrupts. initial-exec: a
// signal handler must not be the first to touch a thread-local that needs allocating.
#define PER_THREAD static _Thread_local __attribute__((tls_model("initial-exec")))
// The call in progress on this thread, or NULL.
PER_THREAD clua_watch *current;
// Calls begun on this thread; the call in progress is number `calls`.
PER_THREAD uint64_t calls;
// The call that was in progress at the previous tick (0: none), and the thread's CPU time then.
PER_THREAD uint64_t seen_at_last_tick;
PER_THREAD int64_t seen_at_nanoseconds;
PER_THREAD int thread_timer_state;
PER_THREAD timer_t thread_timer;

// Re-arms itself at a count of 1, so after the first trip every further instruction raises
// again and a script's own pcall cannot swallow the stop.
static void budget_hook(lua_State *L, lua_Debug *ar) {
    (void)ar;
    lua_sethook(L, budget_hook, LUA_MASKCOUNT, 1);
    luaL_error(L, CLUA_BUDGET_EXCEEDED);
}

// A tick of this thread's CPU time. A call that a previous tick already saw, a whole period
// of CPU ago, counts instructions from here on. (The kernel can deliver two ticks closer than
// a period when it checks late, so the period is measured, not assumed.)
static void on_tick(int signal) {
    (void)signal;
    clua_watch *watch = current;
    if (watch == NULL) {
        seen_at_last_tick = 0;
        return;
    }
    int saved_errno = errno;
    struct timespec cpu;
    // Without a reading, the second tick is taken as a period: the budget is never skipped.
    int64_t now = clock_gettime(CLOCK_THREAD_CPUTIME_ID, &cpu) == 0
        ? (int64_t)cpu.tv_sec * 1000000000 + cpu.tv_nsec : INT64_MAX;
    errno = saved_errno;
    if (seen_at_last_tick != calls) {
        seen_at_last_tick = calls;
        seen_at_nanoseconds = now == INT64_MAX ? 0 : now;
    } else if (now - seen_at_nanoseconds >= (int64_t)period_ms * 1000000) {
        lua_sethook(watch->L, budget_hook, LUA_MASKCOUNT, watch->instructions);
    }
}

static void delete_thread_timer(void *unused) {
    (void)unused;
    if (thread_timer_state == timer_armed) timer_delete(thread_timer);
    thread_timer_state = timer_none;
}

// Called with setup_lock held.
static int install_handler(void) {
    if (handler_installed) return 0;
    budget_signal = SIGRTMIN + 6;
    int failed = pthread_key_create(&timer_owner, delete_thread_timer);
    if (failed != 0) {
        errno = failed;
        return -1;
    }
    struct sigaction action = { 0 };
    action.sa_handler = on_tick;
    action.sa_flags = SA_RESTART;
    sigemptyset(&action.sa_mask);
    if (sigaction(budget_signal, &action, NULL) != 0) return -1;
    handler_installed = 1;
    return 0;
}

// The first call on a thread arms a timer on the thread's own CPU time, which signals this
// thread only. It costs nothing while the thread sleeps, and a call the scheduler keeps off the
// CPU is not taken for a long one.
static void arm_thread_timer(void) {
    // Threads of a pool (libdispatch's) may start with signals blocked.
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, budget_signal);
    pthread_sigmask(SIG_UNBLOCK, &set, NULL);

    struct sigevent event = { 0 };
    event.sigev_notify = SIGEV_THREAD_ID;
    event.sigev_signo = budget_signal;
    event._sigev_un._tid = gettid();
    struct itimerspec every = { { 0, period_ms * 1000000L }, { 0, period_ms * 1000000L } };
    if (timer_create(CLOCK_THREAD_CPUTIME_ID, &event, &thread_timer) != 0) {
        thread_timer_state = timer_unavailable;
        return;
    }
    if (timer_settime(thread_timer, 0, &every, NULL) != 0 || pthread_setspecific(timer_owner, &thread_timer) != 0) {
        timer_delete(thread_timer);
        thread_timer_state = timer_unavailable;
        return;
    }
    thread_timer_state = timer_armed;
}

clua_watch *clua_watch_open(lua_State *L, int instructions) {
    pthread_mutex_lock(&setup_lock);
    int failed = install_handler();
    int error = errno;
    pthread_mutex_unlock(&setup_lock);
    if (failed != 0) {
        errno = error;
        return NULL;
    }
    clua_watch *watch = calloc(1, sizeof *watch);
    if (watch == NULL) return NULL;
    watch->L = L;
    watch->instructions = instructions > 0 ? instructions : 1;
    return watch;
}

void clua_watch_close(clua_watch *watch) { free(watch); }

void clua_watch_enter(clua_watch *watch) {
    if (thread_timer_state == timer_none) arm_thread_timer();
    if (thread_timer_state == timer_unavailable) {
        // No timer (the process ran out of them): every call on this thread counts from its
        // first instruction. Slower, never unbounded.
        lua_sethook(watch->L, budget_hook, LUA_MASKCOUNT, watch->instructions);
        return;
    }
    calls += 1;
    atomic_signal_fence(memory_order_seq_cst);
    current = watch;
    atomic_signal_fence(memory_order_seq_cst);
}

void clua_watch_leave(clua_watch *watch) {
    current = NULL;
    // After this, a late tick finds no call; a hook set before it is undone here.
    atomic_signal_fence(memory_order_seq_cst);
    lua_sethook(watch->L, NULL, 0, 0);
}

int clua_watch_period_milliseconds(void) { return period_ms; }
