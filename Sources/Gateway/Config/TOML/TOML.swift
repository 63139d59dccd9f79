public enum TOML {
    /// Parses a whole document (TOML 1.0, plus TOML 1.1's multi-line inline tables with a
    /// trailing comma). Dates and times are refused: nothing in Tern's config needs them.
    public static func parse(_ text: String) throws(TOMLError) -> TOMLTable {
        var parser = TOMLParser(text)
        return try parser.parseDocument()
    }
}
