#define _GNU_SOURCE
#include "CLuaWatchdog.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#include <lauxlib.h>

struct clua_watch {
    lua_State *L;
    int instructions;
    // The watchdog tick at which the call in progress began; 0 when there is none.
    _Atomic uint64_t started;
    // Counts calls, so that two calls that began in the same tick are told apart.
    _Atomic uint64_t call;
    // The thread making the call in progress.
    _Atomic pthread_t thread;
    // The call the watchdog last signalled about (watchdog thread only).
    uint64_t signalled;
    struct clua_watch *next;
};

enum { fast_period_ms = 1, idle_period_ms = 10, idle_ticks_before_slowing = 1000 };

static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;
static clua_watch *registry;            // guarded by registry_lock
static int watchdog_started;            // guarded by registry_lock
static _Atomic uint64_t tick = 1;       // 0 means "no call" in `started`
static int budget_signal;

// The call in progress on this thread, for the signal handler. initial-exec: a signal handler
// must not be the first to touch a thread-local that needs allocating.
static _Thread_local clua_watch *current __attribute__((tls_model("initial-exec")));
static _Thread_local int signal_unblocked __attribute__((tls_model("initial-exec")));

// Re-arms itself at a count of 1, so after the first trip every further instruction raises
// again and a script's own pcall cannot swallow the stop.
static void budget_hook(lua_State *L, lua_Debug *ar) {
    (void)ar;
    lua_sethook(L, budget_hook, LUA_MASKCOUNT, 1);
    luaL_error(L, CLUA_BUDGET_EXCEEDED);
}

static void on_budget_signal(int signal) {
    (void)signal;
    clua_watch *watch = current;
    if (watch != NULL) lua_sethook(watch->L, budget_hook, LUA_MASKCOUNT, watch->instructions);
}

static void *watchdog_main(void *unused) {
    (void)unused;
    pthread_setname_np(pthread_self(), "lua-watchdog");
    int quiet = 0;
    for (;;) {
        int period = quiet >= idle_ticks_before_slowing ? idle_period_ms : fast_period_ms;
        struct timespec pause = { 0, (long)period * 1000000L };
        while (nanosleep(&pause, &pause) != 0 && errno == EINTR) {}
        uint64_t now = atomic_fetch_add_explicit(&tick, 1, memory_order_relaxed) + 1;
        int busy = 0;
        pthread_mutex_lock(&registry_lock);
        for (clua_watch *watch = registry; watch != NULL; watch = watch->next) {
            uint64_t started = atomic_load_explicit(&watch->started, memory_order_acquire);
            if (started == 0) continue;
            busy = 1;
            uint64_t call = atomic_load_explicit(&watch->call, memory_order_relaxed);
            // Begun before the last tick: it has run at least one whole period.
            if (started + 2 <= now && watch->signalled != call) {
                watch->signalled = call;
                pthread_kill(atomic_load_explicit(&watch->thread, memory_order_relaxed), budget_signal);
            }
        }
        pthread_mutex_unlock(&registry_lock);
        quiet = busy ? 0 : (quiet < idle_ticks_before_slowing ? quiet + 1 : quiet);
    }
    return NULL;
}

// Called with registry_lock held.
static int start_watchdog(void) {
    if (watchdog_started) return 0;
    budget_signal = SIGRTMIN + 6;
    struct sigaction action = { 0 };
    action.sa_handler = on_budget_signal;
    action.sa_flags = SA_RESTART;
    sigemptyset(&action.sa_mask);
    if (sigaction(budget_signal, &action, NULL) != 0) return -1;
    pthread_attr_t attributes;
    pthread_attr_init(&attributes);
    pthread_attr_setdetachstate(&attributes, PTHREAD_CREATE_DETACHED);
    // The watchdog itself never gets the signal.
    sigset_t all, previous;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &previous);
    pthread_t thread;
    int failed = pthread_create(&thread, &attributes, watchdog_main, NULL);
    pthread_sigmask(SIG_SETMASK, &previous, NULL);
    pthread_attr_destroy(&attributes);
    if (failed != 0) {
        errno = failed;
        return -1;
    }
    watchdog_started = 1;
    return 0;
}

clua_watch *clua_watch_open(lua_State *L, int instructions) {
    clua_watch *watch = calloc(1, sizeof *watch);
    if (watch == NULL) return NULL;
    watch->L = L;
    watch->instructions = instructions > 0 ? instructions : 1;
    pthread_mutex_lock(&registry_lock);
    if (start_watchdog() != 0) {
        int error = errno;
        pthread_mutex_unlock(&registry_lock);
        free(watch);
        errno = error;
        return NULL;
    }
    watch->next = registry;
    registry = watch;
    pthread_mutex_unlock(&registry_lock);
    return watch;
}

void clua_watch_close(clua_watch *watch) {
    if (watch == NULL) return;
    pthread_mutex_lock(&registry_lock);
    for (clua_watch **link = &registry; *link != NULL; link = &(*link)->next) {
        if (*link == watch) {
            *link = watch->next;
            break;
        }
    }
    pthread_mutex_unlock(&registry_lock);
    free(watch);
}

void clua_watch_enter(clua_watch *watch) {
    if (!signal_unblocked) {
        // Threads of a pool (libdispatch's) may start with signals blocked.
        sigset_t set;
        sigemptyset(&set);
        sigaddset(&set, budget_signal);
        pthread_sigmask(SIG_UNBLOCK, &set, NULL);
        signal_unblocked = 1;
    }
    current = watch;
    atomic_signal_fence(memory_order_seq_cst);
    atomic_store_explicit(&watch->thread, pthread_self(), memory_order_relaxed);
    // Only this thread changes `call`: no read-modify-write needed.
    atomic_store_explicit(&watch->call, atomic_load_explicit(&watch->call, memory_order_relaxed) + 1, memory_order_relaxed);
    atomic_store_explicit(&watch->started, atomic_load_explicit(&tick, memory_order_relaxed), memory_order_release);
}

void clua_watch_leave(clua_watch *watch) {
    atomic_store_explicit(&watch->started, 0, memory_order_relaxed);
    current = NULL;
    // After this, a late signal finds no call; one that came before is undone here.
    atomic_signal_fence(memory_order_seq_cst);
    lua_sethook(watch->L, NULL, 0, 0);
}

int clua_watch_period_milliseconds(void) { return fast_period_ms; }
