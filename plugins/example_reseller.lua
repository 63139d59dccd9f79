-- example_reseller.lua: a reseller policy to copy and adapt.
--
-- A policy is an ordinary plugin set on an account instead of listed in tern.toml:
--
--   tern admin accounts set RESELLER --policy plugins/my_reseller.lua
--
-- It runs for every message of the reseller's customers (the accounts whose reseller is
-- RESELLER), after the global [[plugin]]s and before the customer's own policy. It gets no
-- settings, so everything it needs is written here. Define only the hooks you need; a hook that
-- returns nothing leaves the decision to whoever comes next.
--
-- What this example does:
--   filter  refuses texts with the word "lottery";
--   route   sends German numbers (49...) to the connector "premium" while that connector is up;
--   bill    charges the customer 20 % more than the reseller pays (or a flat 5 when nothing set
--           a price before).

local policy = {}

-- filter(msg): return nothing to let the message through, or stop it with tern.reject.
--
-- Compare lowercase with lowercase, so "LOTTERY" and "Lottery" are caught too. The %f[%w] ...
-- %f[%W] "frontier" patterns make it a whole word, so "lottery" does not fire inside a longer
-- word. msg.text is nil for binary messages, which have no words to check.
function policy.filter(msg)
    if msg.text ~= nil and string.find(string.lower(msg.text), "%f[%w]lottery%f[%W]") then
        tern.reject("ESME_RSUBMITFAIL", "lottery offers are not accepted")
    end
end

-- route(msg): return a connector name (or a list, in failover order), or nothing.
--
-- Route answers are "first answer wins": if a global plugin already chose a route, this hook
-- is not asked. tern.connectors() is live, so checking it here means German traffic falls back
-- to the normal [[route]] tables the moment "premium" goes down, instead of queueing behind it.
function policy.route(msg)
    local number = msg.destination or ""
    if string.sub(number, 1, 1) == "+" then number = string.sub(number, 2) end -- "+49..." too

    if string.sub(number, 1, 2) == "49" then
        local premium = tern.connectors().premium
        if premium ~= nil and premium.up then
            return "premium"
        end
    end
    return nil -- not ours to decide: the next policy or the [[route]] tables choose
end

-- bill(msg): return the price in integer minor units.
--
-- msg.price is what the reseller pays (set by the global pricing plugins), or nil when none of
-- them priced the message. Whatever this returns is what the customer pays, unless the
-- customer's own policy changes it again. Prices must be integers: (price * 120 + 99) // 100
-- is 120 % rounded up (a price of 7 becomes 9, not 8.4), using integer arithmetic only.
function policy.bill(msg)
    if msg.price ~= nil then
        return (msg.price * 120 + 99) // 100
    end
    return 5 -- a flat 5 per message
end

return policy
