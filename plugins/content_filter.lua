-- content_filter.lua: rejects text messages by keyword, by Lua pattern, or because they carry
-- a link.
--
--   [[plugin]]
--   file = "plugins/content_filter.lua"
--   keywords = ["casino", "free money"]       # whole words/phrases, any case
--   patterns = ["%d%d%d%d%d%d%d%d+ ?btc"]     # Lua patterns, matched against the lowercased text
--   block_urls = true                         # reject texts with links ...
--   allow_domains = ["example.com"]           # ... except to these domains and their subdomains
--   status = "ESME_RSUBMITFAIL"               # the SMPP status of a rejection (this is the default)
--
-- Keywords match whole words: "casino" matches "CASINO!" but not "casinos", so that a short
-- word cannot fire inside an innocent one ("ass" in "class"). A phrase matches with any run of
-- spaces or line breaks between its words. Use `patterns` for anything looser.
--
-- Binary messages (no text) always pass: there is nothing to read.

local plugin = {}

-- The filter runs on every message: the string functions it calls per message are locals, so
-- each call skips two table lookups (the global `string`, then its field).
local find, lower_ascii, byte, utf8_len = string.find, string.lower, string.byte, utf8.len

local status = "ESME_RSUBMITFAIL"
local keyword_rules = {}   -- { { word = "free money", pattern = "%f[%w]free%s+money%f[%W]" }, ... }
local pattern_rules = {}   -- Lua patterns, as configured
local block_urls = false
local allowed_suffixes = {} -- { { domain = "example.com", dotted = ".example.com" }, ... }

---------------------------------------------------------------------------------------------
-- Lowercasing. string.lower only knows ASCII, and spam is often shouted in other scripts too,
-- so the capitals of Latin-1, Greek and Cyrillic are mapped as well. All of them are two-byte
-- UTF-8 sequences with a lead byte between 0xC3 and 0xD0, which keeps the gsub below cheap.

local UPPER_TO_LOWER = {}
local function map_range(first, last, offset)
    for code = first, last do
        UPPER_TO_LOWER[utf8.char(code)] = utf8.char(code + offset)
    end
end
map_range(0x00C0, 0x00D6, 32) -- À..Ö
map_range(0x00D8, 0x00DE, 32) -- Ø..Þ (0xD7 is ×, not a letter)
map_range(0x0391, 0x03A1, 32) -- Α..Ρ
map_range(0x03A3, 0x03AB, 32) -- Σ..Ϋ (0x3A2 is unassigned)
map_range(0x0400, 0x040F, 80) -- Ѐ..Џ
map_range(0x0410, 0x042F, 32) -- А..Я

local function lower(text)
    local lowered = lower_ascii(text)
    -- Only texts with non-ASCII bytes need the second pass. They are the texts whose length in
    -- characters differs from their length in bytes (or that are not UTF-8 at all: nil). utf8.len
    -- walks the bytes in C; the pattern "[\128-\255]" cost ten times as much, tried at every byte.
    if utf8_len(lowered) ~= #lowered then
        lowered = string.gsub(lowered, "[\195-\208][\128-\191]", UPPER_TO_LOWER)
    end
    return lowered
end

---------------------------------------------------------------------------------------------
-- Settings

local function list_of_strings(value, key)
    if value == nil then return {} end
    if type(value) == "string" then return { value } end
    if type(value) ~= "table" then
        error("content_filter: '" .. key .. "' must be a list of strings", 0)
    end
    local result = {}
    for i = 1, #value do
        if type(value[i]) ~= "string" then
            error("content_filter: '" .. key .. "' entry " .. i .. " is not a string", 0)
        end
        result[i] = value[i]
    end
    return result
end

-- A keyword becomes a pattern once, here, instead of on every message: its pieces are escaped
-- (every punctuation character is literal after a '%'), joined by "any whitespace", and fenced
-- with frontier patterns where the keyword starts or ends with a letter or digit.
local function keyword_pattern(keyword)
    local lowered = lower(keyword)
    local pieces = {}
    for piece in string.gmatch(lowered, "%S+") do
        pieces[#pieces + 1] = (string.gsub(piece, "%p", "%%%0"))
    end
    if #pieces == 0 then
        error("content_filter: an empty keyword would match every text", 0)
    end
    local pattern = table.concat(pieces, "%s+")
    if string.find(lowered, "^%s*%w") then pattern = "%f[%w]" .. pattern end
    if string.find(lowered, "%w%s*$") then pattern = pattern .. "%f[%W]" end
    return pattern
end

-- Lua only notices a malformed pattern when matching reaches the broken part, which could be
-- on some message days later, and then every such message would fail with a script error.
-- This walks the pattern the way the matcher will, so a typo stops the plugin from loading.
local function pattern_problem(p)
    local i, n = 1, #p
    local open, closed = {}, {} -- capture stack, and which capture numbers are complete
    local captures = 0

    -- Index just past a set "[...]" that starts at `i`, or nil when it is never closed.
    local function set_end(i)
        i = i + 1
        if string.sub(p, i, i) == "^" then i = i + 1 end
        local first = true
        while true do
            if i > n then return nil end
            local c = string.sub(p, i, i)
            if c == "]" and not first then return i + 1 end
            if c == "%" then
                if i == n then return nil end
                i = i + 1
            end
            i = i + 1
            first = false
        end
    end

    if string.sub(p, 1, 1) == "^" then i = 2 end
    while i <= n do
        local c = string.sub(p, i, i)
        if c == "%" then
            local d = string.sub(p, i + 1, i + 1)
            if d == "" then return "ends with '%'" end
            if d == "b" then
                if i + 3 > n then return "missing arguments to '%b'" end
                i = i + 4
            elseif d == "f" then
                if string.sub(p, i + 2, i + 2) ~= "[" then return "missing '[' after '%f'" end
                i = set_end(i + 2)
                if i == nil then return "missing ']'" end
            elseif string.find(d, "%d") then
                local number = tonumber(d)
                if number == 0 or not closed[number] then return "invalid capture index %" .. d end
                i = i + 2
            else
                i = i + 2
            end
        elseif c == "[" then
            i = set_end(i)
            if i == nil then return "missing ']'" end
        elseif c == "(" then
            captures = captures + 1
            if captures > 32 then return "too many captures" end
            open[#open + 1] = captures
            i = i + 1
        elseif c == ")" then
            if #open == 0 then return "invalid pattern capture (')' without '(')" end
            closed[open[#open]] = true
            open[#open] = nil
            i = i + 1
        else
            i = i + 1
        end
    end
    if #open > 0 then return "unfinished capture (missing ')')" end
    return nil
end

function plugin.init(config)
    if config.status ~= nil then
        if type(config.status) ~= "string" or config.status == "" then
            error("content_filter: 'status' must be a status name such as \"ESME_RSUBMITFAIL\"", 0)
        end
        status = config.status
    end

    keyword_rules = {}
    for _, keyword in ipairs(list_of_strings(config.keywords, "keywords")) do
        -- `first`: the keyword's first word, found with a plain search (no pattern) before the
        -- pattern is tried; most texts contain no keyword at all, and the plain search is cheap.
        local first = string.match(lower(keyword), "%S+")
        keyword_rules[#keyword_rules + 1] = { word = keyword, pattern = keyword_pattern(keyword), first = first }
    end

    pattern_rules = list_of_strings(config.patterns, "patterns")
    for _, pattern in ipairs(pattern_rules) do
        local problem = pattern_problem(pattern)
        if problem then
            error("content_filter: pattern '" .. pattern .. "' is malformed: " .. problem, 0)
        end
        -- The text is lowercased before matching, so a capital letter in a pattern can never
        -- match (classes such as %W or %U are fine): most likely a mistake worth a warning.
        if string.find((string.gsub(pattern, "%%.", "")), "%u") then
            tern.log("warning", "content_filter: pattern '" .. pattern ..
                "' has capital letters, but it is matched against the lowercased text")
        end
    end

    if config.block_urls ~= nil and type(config.block_urls) ~= "boolean" then
        error("content_filter: 'block_urls' must be true or false", 0)
    end
    block_urls = config.block_urls == true

    allowed_suffixes = {}
    for _, domain in ipairs(list_of_strings(config.allow_domains, "allow_domains")) do
        -- "*.example.com" and ".example.com" mean the same as "example.com" here: the domain
        -- and all its subdomains.
        domain = string.gsub(lower(domain), "^%*?%.", "")
        domain = string.gsub(domain, "%.$", "")
        if not string.find(domain, "^[%w%-]+%.[%w%.%-]+$") then
            error("content_filter: allow_domains entry '" .. domain .. "' is not a domain name", 0)
        end
        allowed_suffixes[#allowed_suffixes + 1] = { domain = domain, dotted = "." .. domain }
    end
end

---------------------------------------------------------------------------------------------
-- Links

-- Top-level domains that make a bare "word.tld" a link even without a path. A dot between two
-- words is common in hasty typing ("ok.thanks"), so a bare token only counts when its ending
-- is one of these, or when a path follows ("bit.ly/x", "t.me/x").
local COMMON_TLDS = {}
for tld in string.gmatch("com net org info biz io co ly gl gd cc tv ws me xyz top link click " ..
        "app site online shop store live club uk de fr eu us ru cn", "%S+") do
    COMMON_TLDS[tld] = true
end

local function is_allowed(host)
    local length = #host
    for i = 1, #allowed_suffixes do
        local suffix = allowed_suffixes[i]
        if host == suffix.domain then return true end
        local dotted = suffix.dotted
        if length > #dotted and string.find(host, dotted, length - #dotted + 1, true) then
            return true
        end
    end
    return false
end

-- The host of what follows "http://" or starts with "www.": the part before any path, without
-- user information (what precedes '@' is not where the browser goes), trailing punctuation of
-- the sentence, or a port. Anything odd left in it simply matches no allowed domain.
local function host_of(authority)
    authority = string.match(authority, "[^@]*$")
    authority = string.gsub(authority, "[%.,;:!%?%)%]}>'\"]+$", "")
    authority = string.gsub(authority, ":%d*$", "")
    return (string.gsub(authority, "%.+$", ""))
end

-- Whether `host` (lowercase, maybe with a trailing '.') looks like a domain name: labels of
-- letters, digits and inner hyphens, and an alphabetic last label.
local function domain_tld(host)
    host = string.gsub(host, "[%.%-]+$", "")
    for label in string.gmatch(host .. ".", "([^%.]*)%.") do
        if label == "" or #label > 63 or string.find(label, "^%-") or string.find(label, "%-$") then
            return nil
        end
    end
    local tld = string.match(host, "%.(%a%a+)$")
    return tld, host
end

-- ASCII letters and digits by byte: what %w matches in the C locale Lua runs in.
local ALNUM = {}
for code = byte("0"), byte("9") do ALNUM[code] = true end
for code = byte("a"), byte("z") do ALNUM[code] = true end
for code = byte("A"), byte("Z") do ALNUM[code] = true end

-- Whether a '.' in `text` is followed by a letter or digit: the pattern "%.[%w]" would answer the
-- same, but a pattern is tried at every byte and costs ten times the plain search for each dot.
local function has_dotted_word(text)
    local dot = find(text, ".", 1, true)
    while dot do
        if ALNUM[byte(text, dot + 1)] then return true end
        dot = find(text, ".", dot + 1, true)
    end
    return false
end

-- The first link in `text` (already lowercased) that is not to an allowed domain, or nil.
local function blocked_link(text)
    -- Every form below contains a '.' followed by a letter or digit, except a scheme with a
    -- dotless host ("http://intranet"); plain sentences ("It expires in 10 minutes.") stop here.
    if not has_dotted_word(text) and not find(text, "://", 1, true) then
        return nil
    end

    -- Links with a scheme. The host ends at the first character that ends it for a browser
    -- ('/', '?', '#' and '\', which browsers read as '/').
    for scheme, authority in string.gmatch(text, "(https?://)([^%s/%?#\\]*)") do
        local host = host_of(authority)
        if not is_allowed(host) then return scheme .. host end
    end
    for authority in string.gmatch(text, "%f[%w]www%.[^%s/%?#\\]*") do
        local host = host_of(authority)
        if not is_allowed(host) then return host end
    end

    -- Bare domains ("bit.ly/abc", "cheap-pills.com"), looked for in what is left once the links
    -- above are removed, so that a domain in an allowed link's path is not taken for a second one.
    local rest = string.gsub(text, "https?://%S*", " ")
    rest = string.gsub(rest, "%f[%w]www%.%S*", " ")
    for position, candidate, slash in string.gmatch(rest, "()([%w][%w%-]*%.[%w%.%-]*)(/?)") do
        -- "name@example.com" is an e-mail address, not a link.
        if position == 1 or string.sub(rest, position - 1, position - 1) ~= "@" then
            local tld, host = domain_tld(candidate)
            if tld and (slash == "/" or COMMON_TLDS[tld]) and not is_allowed(host) then
                return host
            end
        end
    end
    return nil
end

---------------------------------------------------------------------------------------------
-- The hook

function plugin.filter(msg)
    local text = msg.text
    if text == nil or text == "" then return end
    local lowered = lower(text)

    for i = 1, #keyword_rules do
        local rule = keyword_rules[i]
        if find(lowered, rule.first, 1, true) and find(lowered, rule.pattern) then
            tern.reject(status, "keyword '" .. rule.word .. "'")
        end
    end

    for i = 1, #pattern_rules do
        if find(lowered, pattern_rules[i]) then
            tern.reject(status, "pattern '" .. pattern_rules[i] .. "'")
        end
    end

    if block_urls then
        local link = blocked_link(lowered)
        if link then tern.reject(status, "link to " .. link) end
    end
end

return plugin
