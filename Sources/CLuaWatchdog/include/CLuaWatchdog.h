// The instruction budget without an instruction count on every call.
//
// Lua 5.4 runs every instruction through luaG_traceexec while a count hook is set, which made
// the shipped plugins' calls about twice as slow. A hook call almost always ends within
// microseconds, so calls run without a hook; a watchdog thread looks at the calls in progress
// every millisecond, and one that has run a full period gets the budget (`instructions` more,
// counted by the usual count hook). The hook is set by a signal handler on the thread running
// the call: lua_sethook is the one Lua function made to be called from a signal (lua.c stops a
// script on Ctrl-C the same way); it is never called on a lua_State from another thread.
#ifndef TERN_CLUA_WATCHDOG_H
#define TERN_CLUA_WATCHDOG_H

#include <lua.h>

// The message the budget raises; LuaVM classifies errors that end with it.
#define CLUA_BUDGET_EXCEEDED "instruction budget exceeded"

typedef struct clua_watch clua_watch;

// Watches calls on `L` from now on; starts the watchdog thread with the first watch. NULL when
// the thread or the signal handler cannot be set up (errno says why).
clua_watch *clua_watch_open(lua_State *L, int instructions);
// Stops watching; `L` may be closed after.
void clua_watch_close(clua_watch *watch);

// Around every lua_pcall on the watched state, on the thread that makes it. Calls do not nest.
void clua_watch_enter(clua_watch *watch);
// Also removes the budget hook if the call got one.
void clua_watch_leave(clua_watch *watch);

// Milliseconds between the watchdog's looks while calls are running; a call gets its budget
// after one to two of these.
int clua_watch_period_milliseconds(void);

#endif
