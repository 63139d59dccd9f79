-- prefix_router.lua: longest-prefix routing with a weighted split between connectors and
-- failover to the others.
--
--   [[plugin]]
--   file = "plugins/prefix_router.lua"
--   default = ["eu_hub", "global_backup"]     # optional: numbers that match no prefix
--
--   [plugin.routes]                           # prefix (digits) → connectors with weights
--   "447" = [{ connector = "uk_direct", weight = 3 }, { connector = "eu_hub", weight = 1 }]
--   "44"  = [{ connector = "eu_hub" }]        # weight defaults to 1
--
-- or, instead of `routes`, a CSV file read with tern.lookup (relative to this file; the key is
-- not `file`, which [[plugin]] keeps for the plugin's own path):
--
--   routes_file = "data/routes.csv"           # lines "prefix,connector:weight;connector:weight"
--
-- For a number (a leading '+' is ignored) the longest matching prefix decides. Its primary
-- connector is drawn by weight from tern.hash(msg.id) (for the parts of a long message, from its
-- sender, number and reference, so all parts take the same connector), so a given message always gets the
-- same primary and the traffic splits in proportion to the weights; the other connectors
-- follow, heaviest first (equal weights in the order listed), as failover. A weight of 0 makes
-- a connector failover only. Connectors that tern.connectors() reports down go to the end of
-- the list, in the same relative order: they are kept, since one may come back before the
-- others. Connectors tern.connectors() does not know are left where they are.
--
-- A number that matches no prefix gets `default` (in the order listed) or, without it, no
-- answer, so that the next plugins or the [[route]] tables decide.

local plugin = {}

local longest = nil      -- the longest prefix's length: longest_prefix need not try longer ones
local source = {}        -- prefix → route as configured (a settings table or a tern.lookup table)
local plans = {}         -- prefix → parsed route (see parse_route), filled in init and on demand
local default_plan = nil

local PLUS = string.byte("+")

-- A parsed route: names in listed order, the running total of weights for the draw, and the
-- failover order (indices into names, heaviest first, stable).
local function make_plan(names, weights, where)
    local seen = {}
    for i = 1, #names do
        if seen[names[i]] then
            error("prefix_router: " .. where .. " names connector '" .. names[i] .. "' twice", 0)
        end
        seen[names[i]] = true
    end
    local cumulative, total = {}, 0
    for i = 1, #weights do
        total = total + weights[i]
        cumulative[i] = total
    end
    local by_weight = {}
    for i = 1, #names do by_weight[i] = i end
    table.sort(by_weight, function(a, b)
        if weights[a] ~= weights[b] then return weights[a] > weights[b] end
        return a < b
    end)
    return { names = names, cumulative = cumulative, total = total, by_weight = by_weight }
end

local function check_name(name, where)
    if type(name) ~= "string" or not string.find(name, "%S") then
        error("prefix_router: " .. where .. " has a connector without a name", 0)
    end
    return name
end

local function check_weight(weight, where)
    local integer = math.tointeger(weight)
    if integer == nil or integer < 0 then
        error("prefix_router: " .. where .. " has weight '" .. tostring(weight) ..
            "', which is not a whole number >= 0", 0)
    end
    return integer
end

-- A route, in any of the shapes it can come in:
--   "uk_direct:3;eu_hub:1"                        (a CSV value; ":weight" is optional)
--   { "uk_direct:3", "eu_hub:1" }                 (a CSV line with more columns)
--   { { connector = "uk_direct", weight = 3 }, { connector = "eu_hub" }, "other" }  (settings)
local function parse_route(route, where)
    local names, weights = {}, {}
    local function add(name, weight)
        names[#names + 1] = check_name(name, where)
        weights[#weights + 1] = check_weight(weight, where)
    end
    local function add_text(text)
        for item in string.gmatch(text, "[^;]+") do
            local name, weight = string.match(item, "^%s*(.-)%s*:%s*(%S*)%s*$")
            if name then
                add(name, tonumber(weight) or weight)
            elseif string.find(item, "%S") then
                add((string.match(item, "^%s*(.-)%s*$")), 1)
            end
        end
    end

    if type(route) == "string" then
        add_text(route)
    elseif type(route) == "table" then
        for i = 1, #route do
            local entry = route[i]
            if type(entry) == "string" then
                add_text(entry)
            elseif type(entry) == "table" then
                local weight = entry.weight
                if weight == nil then weight = 1 end
                add(entry.connector, weight)
            else
                error("prefix_router: " .. where .. " entry " .. i .. " is not a connector", 0)
            end
        end
    else
        error("prefix_router: " .. where .. " is not a list of connectors", 0)
    end
    if #names == 0 then error("prefix_router: " .. where .. " has no connectors", 0) end
    return make_plan(names, weights, where)
end

function plugin.init(config)
    if config.routes ~= nil and config.routes_file ~= nil then
        error("prefix_router: set either 'routes' or 'routes_file', not both", 0)
    end
    if config.routes_file ~= nil then
        if type(config.routes_file) ~= "string" then error("prefix_router: 'routes_file' must be a path", 0) end
        source = tern.lookup(config.routes_file)
    elseif config.routes ~= nil then
        if type(config.routes) ~= "table" then
            error("prefix_router: 'routes' must be a table of prefix = [connectors]", 0)
        end
        source = config.routes
    else
        error("prefix_router: set 'routes' (a table) or 'routes_file' (a CSV file)", 0)
    end

    -- Parse every route now, so that a mistake stops the plugin from loading instead of failing
    -- messages later. (Should a lookup table not be enumerable, the routes are still parsed,
    -- on first use, by plan_for.)
    plans = {}
    longest = nil
    for prefix, route in pairs(source) do
        longest = math.max(longest or 0, #tostring(prefix))
        if type(prefix) ~= "string" or not string.find(prefix, "^%d+$") then
            error("prefix_router: route prefix '" .. tostring(prefix) .. "' must be digits only", 0)
        end
        plans[prefix] = parse_route(route, "route " .. prefix)
    end

    default_plan = nil
    if config.default ~= nil then
        local names = config.default
        if type(names) == "string" then names = { names } end
        if type(names) ~= "table" or #names == 0 then
            error("prefix_router: 'default' must be a list of connector names", 0)
        end
        local weights = {}
        for i = 1, #names do
            check_name(names[i], "'default'")
            weights[i] = 0 -- all equal and no draw: the default list is a plain failover order
        end
        default_plan = make_plan(names, weights, "'default'")
    end
end

local function plan_for(number)
    local route, prefix = tern.longest_prefix(source, number, longest)
    if route == nil then return default_plan end
    local plan = plans[prefix]
    if plan == nil then
        plan = parse_route(route, "route " .. tostring(prefix))
        if prefix ~= nil then plans[prefix] = plan end
    end
    return plan
end

function plugin.route(msg)
    local number = msg.destination
    if number == nil then return nil end

    -- longest_prefix skips a leading '+' itself.
    local plan = plan_for(number)
    if plan == nil then return nil end
    -- One connector: nothing to draw and nothing to fail over to. (The engine only reads the
    -- answer, so the plan's own list can be given.)
    if #plan.names == 1 then return plan.names end

    -- The draw: the first connector whose running total of weights exceeds hash % total.
    -- With every weight 0 (or the default list) the failover order alone decides.
    local by_weight = plan.by_weight
    local primary = by_weight[1]
    if plan.total > 0 then
        -- The parts of one long message share their draw (sender, number and reference), so
        -- they all take the same connector; any other message draws by its own id.
        local concat = msg.concat
        local key = msg.id
        if concat then
            if string.byte(number, 1) == PLUS then number = string.sub(number, 2) end
            key = tostring(msg.source) .. "/" .. number .. "/" .. tostring(concat.reference)
        end
        local draw = tern.hash(key) % plan.total
        local cumulative = plan.cumulative
        for i = 1, #cumulative do
            if draw < cumulative[i] then
                primary = i
                break
            end
        end
    end

    -- Primary first, then the rest heaviest first; connectors reported down move to the end,
    -- in the same relative order.
    local live = tern.connectors()
    local names = plan.names
    local name = names[primary]
    local state = live[name]
    local answer, count, down, downs = {}, 0, nil, 0
    if state and state.up == false then
        down, downs = { name }, 1
    else
        answer[1], count = name, 1
    end
    for k = 1, #by_weight do
        local index = by_weight[k]
        if index ~= primary then
            name = names[index]
            state = live[name]
            if state and state.up == false then
                down = down or {}
                downs = downs + 1
                down[downs] = name
            else
                count = count + 1
                answer[count] = name
            end
        end
    end
    for i = 1, downs do answer[count + i] = down[i] end
    return answer
end

return plugin
