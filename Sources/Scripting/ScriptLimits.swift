import CLuaWatchdog

/// What one hook call may spend. Both limits apply per call: the memory cap counts everything
/// the VM holds while a script runs; the instruction budget counts from the watchdog's look at
/// a call that is still running after a whole period (1–2 ms in), so a call that ends sooner,
/// which is nearly every call, runs without a count hook (one doubled the cost of Lua).
public struct ScriptLimits: Sendable, Hashable {
    /// Lua VM instructions a hook call may run once the watchdog has seen it run a whole
    /// period (a `while true do end` stops after about 1.5 + 2.5 ms at 1 M).
    public var instructions: Int
    /// Bytes the whole VM may hold while a script runs.
    public var memoryBytes: Int

    public init(instructions: Int = 1_000_000, memoryBytes: Int = 16 << 20) {
        self.instructions = instructions
        self.memoryBytes = memoryBytes
    }

    /// The watchdog's period: a call runs uncounted for one to two of these.
    public static var watchdogPeriodMilliseconds: Int { Int(clua_watch_period_milliseconds()) }
}
