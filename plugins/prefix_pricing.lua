-- prefix_pricing.lua: prices a message by the longest matching destination prefix, per SMS
-- part, with volume discounts.
--
--   [[plugin]]
--   file = "plugins/prefix_pricing.lua"
--   default_price = 60                        # optional: numbers that match no prefix
--   tiers = [                                 # optional volume discounts (messages this month)
--     { from = 10000,  discount_percent = 5 },
--     { from = 100000, discount_percent = 12.5 },
--   ]
--
--   [plugin.prices]                           # prefix (digits) → price per part, minor units
--   "44"  = 32
--   "447" = 35
--
-- or, instead of `prices`, a CSV file read with tern.lookup (relative to this file; the key is
-- not `file`, which [[plugin]] keeps for the plugin's own path):
--
--   prices_file = "data/prices.csv"           # lines "prefix,price"
--
-- price = per-part price × msg.parts, less the discount of the highest tier whose `from` is at
-- most msg.volume, rounded down to a whole number of minor units. A number with no price and
-- no default_price is rejected with ESME_RINVDSTADR. A leading '+' on the number is ignored.

local plugin = {}

local longest = nil      -- the longest prefix's length: longest_prefix need not try longer ones
local source = {}          -- prefix → price as configured (a settings table or a tern.lookup table)
local parsed = {}          -- prefix → integer price, filled in init and on demand
local default_price = nil
local tiers = {}           -- { { from = n, basis_points = n }, ... }, highest `from` first

-- Prices are integers: the engine refuses anything else, and money should not be a float.
-- CSV values arrive as strings, settings as numbers; "35" and 35.0 are both fine.
local function price_of(value, where)
    local price = math.tointeger(tonumber(value))
    if price == nil or price < 0 then
        error("prefix_pricing: " .. where .. " is " .. tostring(value) ..
            ", which is not a whole number of minor units >= 0", 0)
    end
    return price
end

function plugin.init(config)
    if config.prices ~= nil and config.prices_file ~= nil then
        error("prefix_pricing: set either 'prices' or 'prices_file', not both", 0)
    end
    if config.prices_file ~= nil then
        if type(config.prices_file) ~= "string" then error("prefix_pricing: 'prices_file' must be a path", 0) end
        source = tern.lookup(config.prices_file)
    elseif config.prices ~= nil then
        if type(config.prices) ~= "table" then
            error("prefix_pricing: 'prices' must be a table of prefix = price", 0)
        end
        source = config.prices
    else
        source = {} -- only default_price, if any
    end

    -- Check every price now, so a typo stops the plugin from loading rather than failing
    -- messages. (A lookup table that cannot be enumerated is still checked, on first use.)
    parsed = {}
    longest = nil
    for prefix, value in pairs(source) do
        longest = math.max(longest or 0, #tostring(prefix))
        if type(prefix) ~= "string" or not string.find(prefix, "^%d+$") then
            error("prefix_pricing: price prefix '" .. tostring(prefix) .. "' must be digits only", 0)
        end
        parsed[prefix] = price_of(value, "the price for " .. prefix)
    end

    default_price = nil
    if config.default_price ~= nil then
        default_price = price_of(config.default_price, "'default_price'")
    end

    tiers = {}
    if config.tiers ~= nil then
        if type(config.tiers) ~= "table" then
            error("prefix_pricing: 'tiers' must be a list of { from = n, discount_percent = n }", 0)
        end
        for i, tier in ipairs(config.tiers) do
            local from = type(tier) == "table" and math.tointeger(tier.from)
            local percent = type(tier) == "table" and tonumber(tier.discount_percent)
            if not from or from < 0 or not percent or percent < 0 or percent > 100 then
                error("prefix_pricing: tier " .. i .. " needs from (a whole number >= 0) and " ..
                    "discount_percent (0 to 100)", 0)
            end
            -- In hundredths of a percent, so that 12.5 % is still exact integer arithmetic.
            tiers[#tiers + 1] = { from = from, basis_points = math.floor(percent * 100 + 0.5) }
        end
        table.sort(tiers, function(a, b) return a.from > b.from end)
    end
end

function plugin.bill(msg)
    local per_part
    -- longest_prefix skips a leading '+' itself.
    local value, prefix = tern.longest_prefix(source, msg.destination, longest)
    if value ~= nil then
        per_part = parsed[prefix]
        if per_part == nil then
            per_part = price_of(value, "the price for " .. tostring(prefix))
            if prefix ~= nil then parsed[prefix] = per_part end
        end
    else
        per_part = default_price
    end
    if per_part == nil then
        tern.reject("ESME_RINVDSTADR", "no price for " .. tostring(msg.destination))
    end

    -- The engine gives both as integers.
    local parts = msg.parts or 1
    if parts < 1 then parts = 1 end
    local volume = msg.volume or 0

    local basis_points = 0
    for i = 1, #tiers do
        if tiers[i].from <= volume then
            basis_points = tiers[i].basis_points
            break
        end
    end

    -- Integer arithmetic throughout: // on integers floors and stays an integer.
    return per_part * parts * (10000 - basis_points) // 10000
end

return plugin
