-- sender_rules.lua: which sender IDs (source addresses) each account may use, and rewriting of
-- alphanumeric senders to a number for destinations or routes that do not carry them.
--
--   [[plugin]]
--   file = "plugins/sender_rules.lua"
--   status = "ESME_RINVSRCADR"                 # the SMPP status of a rejection (this is the default)
--   rewrite_all_alphanumeric_to = "447700900000" # optional: for every account without numeric_for
--
--   [plugin.allowed]                           # accounts not listed may use any sender
--   acme = ["ACME", "AcmeShop", "447700900*"]  # exact senders, or prefixes ending in '*'
--   globex = ["*"]                             # a lone "*" allows anything
--
--   [plugin.numeric_for]                       # rewrite this account's alphanumeric senders
--   acme = "447700900001"
--
-- Senders are compared exactly (case matters, as in [[route]] `source`), except that a leading
-- '+' is ignored on both sides, so "+447700900123" and "447700900123" are the same number.
-- A sender is alphanumeric when it contains anything but digits (after an optional leading '+').
--
-- filter checks the sender as the client submitted it; rewrite_sender runs afterwards. The hook
-- answers only the address: the engine decides the TON/NPI that go with the new sender.

local plugin = {}

local status = "ESME_RINVSRCADR"
local rules = {}         -- account → { any = bool, exact = { sender = true }, prefixes = { ... } }
local numeric_for = {}   -- account → number
local rewrite_all = nil  -- number, or nil

local PLUS = string.byte("+")

local function without_plus(address)
    if string.byte(address, 1) == PLUS then return string.sub(address, 2) end
    return address
end

local function is_alphanumeric(address)
    return string.find(address, "^%+?%d*$") == nil
end

local function check_number(value, what)
    if type(value) ~= "string" or not string.find(value, "^%+?%d+$") then
        error("sender_rules: " .. what .. " must be a number written as a string of digits, " ..
            "such as \"447700900001\"", 0)
    end
    return value
end

function plugin.init(config)
    if config.status ~= nil then
        if type(config.status) ~= "string" or config.status == "" then
            error("sender_rules: 'status' must be a status name such as \"ESME_RINVSRCADR\"", 0)
        end
        status = config.status
    end

    rules = {}
    if config.allowed ~= nil then
        if type(config.allowed) ~= "table" then
            error("sender_rules: 'allowed' must be a table of account = [senders]", 0)
        end
        for account, senders in pairs(config.allowed) do
            if type(senders) == "string" then senders = { senders } end
            if type(senders) ~= "table" then
                error("sender_rules: allowed." .. tostring(account) .. " must be a list of senders", 0)
            end
            -- An empty list is kept as it is: that account may use no sender at all.
            local rule = { any = false, exact = {}, prefixes = {} }
            for i = 1, #senders do
                local sender = senders[i]
                if type(sender) ~= "string" or sender == "" then
                    error("sender_rules: allowed." .. tostring(account) .. " entry " .. i ..
                        " must be a non-empty string", 0)
                end
                if sender == "*" then
                    rule.any = true
                elseif string.sub(sender, -1) == "*" then
                    rule.prefixes[#rule.prefixes + 1] = without_plus(string.sub(sender, 1, -2))
                else
                    rule.exact[without_plus(sender)] = true
                end
            end
            rules[account] = rule
        end
    end

    numeric_for = {}
    if config.numeric_for ~= nil then
        if type(config.numeric_for) ~= "table" then
            error("sender_rules: 'numeric_for' must be a table of account = \"number\"", 0)
        end
        for account, number in pairs(config.numeric_for) do
            numeric_for[account] = check_number(number, "numeric_for." .. tostring(account))
        end
    end

    rewrite_all = nil
    if config.rewrite_all_alphanumeric_to ~= nil then
        rewrite_all = check_number(config.rewrite_all_alphanumeric_to, "'rewrite_all_alphanumeric_to'")
    end
end

function plugin.filter(msg)
    local rule = rules[msg.account]
    if rule == nil or rule.any then return end

    local source = msg.source or ""
    -- Most senders are allowed exactly as written; only then is a '+' worth stripping.
    if rule.exact[source] then return end
    local sender = without_plus(source)
    if rule.exact[sender] then return end
    local prefixes = rule.prefixes
    for i = 1, #prefixes do
        if string.find(sender, prefixes[i], 1, true) == 1 then return end
    end
    tern.reject(status, "sender '" .. source .. "' is not allowed for account " .. tostring(msg.account))
end

function plugin.rewrite_sender(msg)
    local number = numeric_for[msg.account] or rewrite_all
    local source = msg.source
    if number == nil or source == nil or not is_alphanumeric(source) then return nil end
    return number
end

return plugin
