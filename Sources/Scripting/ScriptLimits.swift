/// What one hook call may spend. Both limits apply per call: the instruction count restarts at
/// every call, and the memory cap counts everything the VM holds while a script runs.
public struct ScriptLimits: Sendable, Hashable {
    /// Lua VM instructions per hook call (a `while true do end` stops after about 2 ms at 1 M).
    public var instructions: Int
    /// Bytes the whole VM may hold while a script runs.
    public var memoryBytes: Int

    public init(instructions: Int = 1_000_000, memoryBytes: Int = 16 << 20) {
        self.instructions = instructions
        self.memoryBytes = memoryBytes
    }
}
