// The instruction budget without an instruction count on every call.
//
// Lua 5.4 runs every instruction through luaG_traceexec while a count hook is set, which made
// the shipped plugins' calls about twice as slow. A hook call almost always ends within
// microseconds, so calls run without a hook. Each thread that runs Lua has a timer on its own
// CPU time that signals it at every period (the kernel's scheduler tick when that is longer:
// 4 ms with Debian's kernels); a call that one tick sees and a later tick, at least a period of
// CPU time on, still finds gets the budget (`instructions` more, counted by the usual count
// hook). The hook is set by the signal handler on the thread running the call:
// lua_sethook is the one Lua function made to be called from a signal (lua.c stops a script
// on Ctrl-C the same way); it is never called on a lua_State from another thread.
//
// A first version had a watchdog thread look at the calls every millisecond; on a virtual
// machine each of its wake-ups cost 14-28 us of CPU, 0.4 us a message at full load. A thread's
// CPU-time timer costs nothing while the thread sleeps and ignores a call the scheduler keeps
// off the CPU.
#ifndef TERN_CLUA_WATCHDOG_H
#define TERN_CLUA_WATCHDOG_H

#include <lua.h>

// The message the budget raises; LuaVM classifies errors that end with it.
#define CLUA_BUDGET_EXCEEDED "instruction budget exceeded"

typedef struct clua_watch clua_watch;

// Watches calls on `L` from now on; installs the signal handler with the first watch. NULL when
// the handler cannot be installed or memory is short (errno says why).
clua_watch *clua_watch_open(lua_State *L, int instructions);
// Stops watching; `L` may be closed after.
void clua_watch_close(clua_watch *watch);

// Around every lua_pcall on the watched state, on the thread that makes it. Calls do not nest.
// The first call on a thread arms the thread's timer (deleted when the thread ends); when the
// system has no timer left, that thread's calls count from their first instruction.
void clua_watch_enter(clua_watch *watch);
// Also removes the budget hook if the call got one.
void clua_watch_leave(clua_watch *watch);

// The period asked of each thread's timer, in milliseconds of the thread's CPU time; the kernel
// rounds it up to its scheduler tick. A call gets its budget after one to two periods.
int clua_watch_period_milliseconds(void);

#endif
