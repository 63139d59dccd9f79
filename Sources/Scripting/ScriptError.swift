/// Why a hook call did not produce an answer. Every case carries the words a person needs:
/// the file and line Lua reported, or the limit that was hit.
public enum ScriptError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file does not compile: "plugins/route.lua:3: 'end' expected near <eof>".
    case syntax(String)
    /// The script raised an error (with Lua's "file:line:" prefix when it has one).
    case runtime(String)
    /// The call ran more instructions than `ScriptLimits.instructions` after its first tick of
    /// CPU time.
    case budgetExceeded(String)
    /// The VM would have held more than `ScriptLimits.memoryBytes`.
    case memoryExceeded
    /// The hook answered something the chain cannot use ("route must answer a connector name…").
    case badAnswer(String)
    /// A plugin file or a lookup file could not be read.
    case unreadable(file: String, reason: String)
    /// The Lua state could not be created (out of memory).
    case noState
    /// The instruction budget could not be set up (its signal handler, or memory for it).
    case noBudget(String)

    public var description: String {
        switch self {
        case .syntax(let message): return "syntax error: \(message)"
        case .runtime(let message): return message
        case .budgetExceeded(let message): return message
        case .memoryExceeded: return "memory limit exceeded"
        case .badAnswer(let message): return message
        case .unreadable(let file, let reason): return "\(file): \(reason)"
        case .noState: return "could not create a Lua state"
        case .noBudget(let reason): return "could not set up the instruction budget: \(reason)"
        }
    }
}

extension ScriptError {
    /// Lua shortens a long chunk name to "...tail" in its messages; name the file in full again,
    /// so logs and `FILE:LINE` problems point at it.
    func naming(file: String) -> ScriptError {
        func full(_ text: String) -> String {
            guard text.hasPrefix("..."), let colon = text.firstIndex(of: ":") else { return text }
            let tail = text[text.index(text.startIndex, offsetBy: 3)..<colon]
            return file.hasSuffix(tail) ? file + text[colon...] : text
        }
        switch self {
        case .syntax(let text): return .syntax(full(text))
        case .runtime(let text): return .runtime(full(text))
        case .budgetExceeded(let text): return .budgetExceeded(full(text))
        default: return self
        }
    }
}
