import CLuaWatchdog

/// What one hook call may spend. Both limits apply per call: the memory cap counts everything
/// the VM holds while a script runs; the instruction budget counts once a call has used a whole
/// tick of its thread's CPU time (the kernel's scheduler tick, at least 1 ms: 4 ms with Debian's
/// kernels), so a call that ends sooner, which is nearly every call, runs without a count hook
/// (one doubled the cost of Lua).
public struct ScriptLimits: Sendable, Hashable {
    /// Lua VM instructions a hook call may run once it has used a whole tick of CPU (with 4 ms
    /// ticks a `while true do end` stops after about 8 ms at 1 M: `tern bench hooks` measures it).
    public var instructions: Int
    /// Bytes the whole VM may hold while a script runs.
    public var memoryBytes: Int

    public init(instructions: Int = 1_000_000, memoryBytes: Int = 16 << 20) {
        self.instructions = instructions
        self.memoryBytes = memoryBytes
    }

    /// The shortest tick of CPU time a call runs uncounted for (one to two ticks); the kernel's
    /// scheduler tick, when longer, is the real one.
    public static var shortestTickMilliseconds: Int { Int(clua_watch_period_milliseconds()) }
}
