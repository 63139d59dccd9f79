/// Collects problems while the config is read; a reference so every reader can add to one list.
final class ConfigProblems {
    let file: String
    private(set) var errors: [ConfigError] = []

    init(file: String) {
        self.file = file
    }

    func add(line: Int, _ reason: String) {
        errors.append(ConfigError(file: file, line: line, reason: reason))
    }

    var isEmpty: Bool { errors.isEmpty }

    /// Stable by line so that problems reported by different passes still read top to bottom.
    var sorted: ConfigErrors {
        let ordered = errors.enumerated().sorted { ($0.element.line, $0.offset) < ($1.element.line, $1.offset) }
        return ConfigErrors(ordered.map(\.element))
    }
}
