/// Trusted Lua that runs once per VM with the real globals and returns `make_env`, the function
/// that builds each plugin's environment: the allowed base functions, private copies of the
/// libraries (so one plugin cannot change another's `string`), and the `tern` table.
enum Prelude {
    static let source = #"""
    local api = ...
    local G = _G
    local pairs, ipairs, next, type, error, rawget, setmetatable = pairs, ipairs, next, type, error, rawget, setmetatable

    G.string.dump = nil

    local base = { "assert", "error", "getmetatable", "ipairs", "next", "pairs", "pcall", "rawequal",
        "rawget", "rawlen", "rawset", "select", "tonumber", "tostring", "type", "xpcall", "_VERSION" }

    local function copy(t)
        local c = {}
        for k, v in pairs(t) do c[k] = v end
        return c
    end

    local read_only = api.read_only
    local function readonly(t)
        return setmetatable({}, {
            __index = t,
            __newindex = read_only,
            __len = function() return #t end,
            __pairs = function() return next, t, nil end,
            __metatable = false,
        })
    end

    -- The connectors' live state, rebuilt at most every 50 ms: a router asks for every message,
    -- and health does not change faster than that matters. Read-only, so it can be shared.
    local raw_connectors, now = api.connectors, api.now
    local cached, cached_at = nil, -1
    local function connectors()
        local t = now()
        if cached == nil or t - cached_at > 0.05 then
            local fresh = raw_connectors()
            for name, state in pairs(fresh) do fresh[name] = readonly(state) end
            cached, cached_at = readonly(fresh), t
        end
        return cached
    end

    -- A finalizer would run during garbage collection, outside any budget: refuse them.
    local function safe_setmetatable(t, mt)
        if type(mt) == "table" and rawget(mt, "__gc") ~= nil then
            error("__gc metamethods are not allowed in plugins", 2)
        end
        return setmetatable(t, mt)
    end

    local read_csv = api.read_csv
    local function lookup(path)
        return readonly(read_csv(path))
    end

    return function()
        local env = {}
        for _, name in ipairs(base) do env[name] = G[name] end
        env.setmetatable = safe_setmetatable
        env.string = copy(G.string)
        env.table = copy(G.table)
        env.math = copy(G.math)
        env.utf8 = copy(G.utf8)
        env.tern = {
            reject = api.reject, log = api.log, now = api.now, hash = api.hash,
            connectors = connectors, lookup = lookup, longest_prefix = api.longest_prefix,
        }
        env._G = env
        return env
    end
    """#
}
