// Lua 5.4 for Swift: Debian's liblua5.4 headers plus the few things Swift cannot import
// (function-like macros, C variadics) and the functions that must raise Lua errors, which live
// here because a Lua error is a longjmp and must never unwind through Swift frames.
#ifndef TERN_CLUA_SHIM_H
#define TERN_CLUA_SHIM_H

#include <lua.h>
#include <lauxlib.h>
#include <lualib.h>
#include <time.h>
#include <string.h>

static const int CLUA_REGISTRYINDEX = LUA_REGISTRYINDEX;

static inline int clua_pcall(lua_State *L, int nargs, int nresults, int msgh) { return lua_pcall(L, nargs, nresults, msgh); }
static inline void clua_pop(lua_State *L, int n) { lua_pop(L, n); }
static inline int clua_gc_collect(lua_State *L) { return lua_gc(L, LUA_GCCOLLECT); }
// Generational collection: every message makes a table that dies young, which is the case it is for.
static inline int clua_gc_generational(lua_State *L) { return lua_gc(L, LUA_GCGEN, 0, 0); }
static inline int clua_load_text(lua_State *L, const char *buffer, size_t size, const char *chunkname) {
    return luaL_loadbufferx(L, buffer, size, chunkname, "t");
}
static inline int clua_isinteger(lua_State *L, int index) { return lua_isinteger(L, index); }

// A host function written in Swift returns the number of its results, or -1 after pushing an
// error message: the trampoline below raises it, in C.
typedef int (*clua_host_function)(lua_State *L);

static inline int clua_host_trampoline(lua_State *L) {
    clua_host_function function = (clua_host_function)lua_touserdata(L, lua_upvalueindex(1));
    int results = function(L);
    if (results < 0) return lua_error(L);
    return results;
}
static inline void clua_push_host_function(lua_State *L, clua_host_function function) {
    lua_pushlightuserdata(L, (void *)function);
    lua_pushcclosure(L, clua_host_trampoline, 1);
}

// Registry key of the metatable that marks a rejection raised by tern.reject.
static const char *const CLUA_REJECTION = "tern.rejection";

// tern.reject(status, reason): stops the hook with a rejection. Raised as an error object (a
// table with the rejection metatable), so it works with or without `return`.
static inline int clua_tern_reject(lua_State *L) {
    const char *status = luaL_checkstring(L, 1);
    const char *reason = luaL_optstring(L, 2, "");
    lua_createtable(L, 0, 2);
    lua_pushstring(L, status);
    lua_setfield(L, -2, "status");
    lua_pushstring(L, reason);
    lua_setfield(L, -2, "reason");
    luaL_getmetatable(L, CLUA_REJECTION);
    lua_setmetatable(L, -2);
    return lua_error(L);
}

// tern.now(): seconds since the epoch, with fractions.
static inline int clua_tern_now(lua_State *L) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    lua_pushnumber(L, (lua_Number)ts.tv_sec + (lua_Number)ts.tv_nsec / 1e9);
    return 1;
}

// __newindex of read-only tables.
static inline int clua_read_only(lua_State *L) {
    return luaL_error(L, "attempt to change a read-only table");
}

// Whether the value at index is a rejection raised by tern.reject.
static inline int clua_is_rejection(lua_State *L, int index) {
    if (!lua_istable(L, index) || !lua_getmetatable(L, index)) return 0;
    luaL_getmetatable(L, CLUA_REJECTION);
    int same = lua_rawequal(L, -1, -2);
    lua_pop(L, 2);
    return same;
}

static inline void clua_new_rejection_metatable(lua_State *L) {
    luaL_newmetatable(L, CLUA_REJECTION);
    lua_pop(L, 1);
}

// tern.hash(text): 32-bit FNV-1a of the bytes, for stable splits (weighted routing).
static inline int clua_tern_hash(lua_State *L) {
    size_t length = 0;
    const unsigned char *bytes = (const unsigned char *)luaL_checklstring(L, 1, &length);
    unsigned int hash = 2166136261u;
    for (size_t i = 0; i < length; i++) { hash ^= bytes[i]; hash *= 16777619u; }
    lua_pushinteger(L, (lua_Integer)hash);
    return 1;
}

// tern.longest_prefix(map, number [, longest]): the value of the longest key of `map` that
// prefixes `number` (a leading '+' of the number skipped), and that key; `longest`, when
// given, is the longest key's length, so longer prefixes are not tried (each try interns a
// string). In C because routers and price lists call it for every message; the lookup goes
// through metamethods, so read-only lookup tables work.
static inline int clua_tern_longest_prefix(lua_State *L) {
    luaL_checkany(L, 1);
    if (lua_type(L, 2) != LUA_TSTRING) { lua_pushnil(L); return 1; }
    size_t length = 0;
    const char *number = lua_tolstring(L, 2, &length);
    if (length > 0 && number[0] == '+') { number++; length--; }
    lua_Integer longest = luaL_optinteger(L, 3, (lua_Integer)length);
    if (longest >= 0 && (size_t)longest < length) length = (size_t)longest;
    for (size_t n = length; n > 0; n--) {
        lua_pushlstring(L, number, n);
        lua_pushvalue(L, -1);
        if (lua_gettable(L, 1) != LUA_TNIL) {
            lua_rotate(L, -2, 1);
            return 2;
        }
        lua_pop(L, 2);
    }
    lua_pushnil(L);
    return 1;
}

// Where each lua_State keeps its host object (the Swift VM wrapper).
static inline void **clua_extraspace(lua_State *L) { return (void **)lua_getextraspace(L); }

#endif
