import Gateway

/// Every problem `TernConfig.parse` reports for `text` (read as "t.toml"), or none.
func configErrors(_ text: String) -> [ConfigError] {
    do {
        _ = try TernConfig.parse(text, file: "t.toml")
        return []
    } catch {
        return error.errors
    }
}
