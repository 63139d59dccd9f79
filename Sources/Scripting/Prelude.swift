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

    local function longest_prefix(map, number)
        if type(number) ~= "string" then return nil end
        for length = #number, 1, -1 do
            local key = number:sub(1, length)
            local value = map[key]
            if value ~= nil then return value, key end
        end
        return nil
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
            connectors = api.connectors, lookup = lookup, longest_prefix = longest_prefix,
        }
        env._G = env
        return env
    end
    """#
}
