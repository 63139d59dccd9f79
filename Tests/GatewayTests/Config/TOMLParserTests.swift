import Gateway
import Testing

@Suite("TOML parser")
struct TOMLParserTests {
    private func parse(_ text: String) throws -> TOMLTable {
        try TOML.parse(text)
    }

    private func failure(_ text: String) -> TOMLError? {
        do {
            _ = try TOML.parse(text)
            return nil
        } catch {
            return error
        }
    }

    @Test("comments and blank lines are skipped; keys keep their lines")
    func commentsAndLines() throws {
        let table = try parse("# heading\n\na = 1 # trailing\n  # indented\nb = 2\r\n")
        #expect(table["a"]?.integer == 1)
        #expect(table.entry("a")?.line == 3)
        #expect(table.entry("b")?.line == 5)
        #expect(table.keys == ["a", "b"])
    }

    @Test("bare, quoted and dotted keys")
    func keys() throws {
        let table = try parse(#"""
        bare_key-1 = 1
        "quoted key" = 2
        'literal.key' = 3
        site."google.com".x = true
        a . b = 4
        """#)
        #expect(table["bare_key-1"]?.integer == 1)
        #expect(table["quoted key"]?.integer == 2)
        #expect(table["literal.key"]?.integer == 3)
        #expect(table["site"]?.table?["google.com"]?.table?["x"]?.boolean == true)
        #expect(table["a"]?.table?["b"]?.integer == 4)
    }

    @Test("basic strings with every escape")
    func basicStrings() throws {
        let table = try parse(#"s = "tab\there \"q\" back\\slash \u00e9 \U0001F600 nl\n cr\r bs\b ff\f esc\e""#)
        #expect(table["s"]?.string == "tab\there \"q\" back\\slash é 😀 nl\n cr\r bs\u{8} ff\u{C} esc\u{1B}")
    }

    @Test("literal strings keep backslashes")
    func literalStrings() throws {
        let table = try parse(#"path = 'C:\Users\tern'"#)
        #expect(table["path"]?.string == #"C:\Users\tern"#)
    }

    @Test("multi-line basic strings: first newline trimmed, line-ending backslash, quotes before the end")
    func multilineBasic() throws {
        let table = try parse("s = \"\"\"\nline one\nline \\\n     two\"\"\"\nq = \"\"\"\"quoted\"\"\"\"\"\nt = 1")
        #expect(table["s"]?.string == "line one\nline two")
        #expect(table["q"]?.string == "\"quoted\"\"")
        #expect(table["t"]?.integer == 1)
        #expect(table.entry("t")?.line == 6)
    }

    @Test("multi-line literal strings")
    func multilineLiteral() throws {
        let table = try parse("s = '''\nraw \\n text\nsecond'''\n")
        #expect(table["s"]?.string == "raw \\n text\nsecond")
    }

    @Test("integers: signs, underscores, hex, octal, binary")
    func integers() throws {
        let table = try parse("a = +42\nb = -17\nc = 1_000_000\nd = 0xDEAD_beef\ne = 0o755\nf = 0b1010\ng = 0\nh = -9223372036854775808")
        #expect(table["a"]?.integer == 42)
        #expect(table["b"]?.integer == -17)
        #expect(table["c"]?.integer == 1_000_000)
        #expect(table["d"]?.integer == 0xDEAD_BEEF)
        #expect(table["e"]?.integer == 0o755)
        #expect(table["f"]?.integer == 10)
        #expect(table["g"]?.integer == 0)
        #expect(table["h"]?.integer == .min)
    }

    @Test("floats, infinities and nan")
    func floats() throws {
        let table = try parse("a = 3.14\nb = -0.5\nc = 5e+22\nd = 6.626e-34\ne = 1_000.5\nf = inf\ng = -inf\nh = nan\ni = 1E2")
        #expect(table["a"]?.float == 3.14)
        #expect(table["b"]?.float == -0.5)
        #expect(table["c"]?.float == 5e22)
        #expect(table["d"]?.float == 6.626e-34)
        #expect(table["e"]?.float == 1000.5)
        #expect(table["f"]?.float == .infinity)
        #expect(table["g"]?.float == -.infinity)
        #expect(table["h"]?.float?.isNaN == true)
        #expect(table["i"]?.float == 100)
    }

    @Test("booleans")
    func booleans() throws {
        let table = try parse("yes = true\nno = false")
        #expect(table["yes"]?.boolean == true)
        #expect(table["no"]?.boolean == false)
    }

    @Test("arrays: nested, mixed, multi-line with comments and a trailing comma")
    func arrays() throws {
        let table = try parse("""
        a = [1, 2, 3]
        b = [
          "x",  # first
          "y",
        ]
        c = [[1, 2], ["a"]]
        d = []
        """)
        #expect(table["a"]?.array?.compactMap(\.integer) == [1, 2, 3])
        #expect(table["b"]?.array?.compactMap(\.string) == ["x", "y"])
        #expect(table["b"]?.array?.map(\.line) == [3, 4])
        #expect(table["c"]?.array?.count == 2)
        #expect(table["c"]?.array?.last?.array?.first?.string == "a")
        #expect(table["d"]?.array?.isEmpty == true)
    }

    @Test("inline tables, also multi-line with a trailing comma")
    func inlineTables() throws {
        let table = try parse("""
        h = { Authorization = "Bearer x", "X-Id" = 7, nested.deep = true }
        e = {}
        m = {
          a = 1,
          b = 2,
        }
        """)
        let headers = try #require(table["h"]?.table)
        #expect(headers["Authorization"]?.string == "Bearer x")
        #expect(headers["X-Id"]?.integer == 7)
        #expect(headers["nested"]?.table?["deep"]?.boolean == true)
        #expect(table["e"]?.table?.isEmpty == true)
        #expect(table["m"]?.table?["b"]?.integer == 2)
    }

    @Test("[table] headers, nested and implicit, keep their lines")
    func tables() throws {
        let table = try parse("""
        [server]
        window = 5

        [a.b.c]
        x = 1
        [a]
        y = 2
        """)
        let server = try #require(table["server"]?.table)
        #expect(server.line == 1)
        #expect(server["window"]?.integer == 5)
        let a = try #require(table["a"]?.table)
        #expect(a.line == 6)
        #expect(a["y"]?.integer == 2)
        #expect(a["b"]?.table?["c"]?.table?["x"]?.integer == 1)
        #expect(a["b"]?.table?["c"]?.table?.line == 4)
    }

    @Test("[[array.of.tables]]: one table per header, sub-tables attach to the last")
    func arrayOfTables() throws {
        let table = try parse("""
        [[connector]]
        name = "a"

        [[connector]]
        name = "b"
        [connector.headers]
        k = "v"

        [[x.y]]
        z = 1
        """)
        let connectors = try #require(table["connector"]?.array)
        #expect(connectors.map(\.line) == [1, 4])
        #expect(connectors.compactMap { $0.table?["name"]?.string } == ["a", "b"])
        #expect(connectors.last?.table?["headers"]?.table?["k"]?.string == "v")
        #expect(table["x"]?.table?["y"]?.array?.first?.table?["z"]?.integer == 1)
    }

    @Test("a byte-order mark is ignored")
    func byteOrderMark() throws {
        #expect(try parse("\u{FEFF}a = 1")["a"]?.integer == 1)
    }

    // MARK: - Errors

    @Test("each syntax error names its line, column and what to do", arguments: [
        ("a = \"open", 1, 5, "unterminated string"),
        ("a = 'open", 1, 5, "unterminated string"),
        ("a = \"\"\"never closed\n", 1, 5, "unterminated multi-line string"),
        ("a = '''never closed", 1, 5, "unterminated multi-line string"),
        ("a = \"C:\\path\"", 1, 8, "invalid escape \\p"),
        ("a = \"\\u12\"", 1, 6, "needs exactly 4 hex digits"),
        ("a = \"\\uD800\"", 1, 6, "not a Unicode scalar value"),
        ("a = 1\na = 2", 2, 1, "duplicate key a (first on line 1)"),
        ("a = 1 b = 2", 1, 7, "put each key on its own line"),
        ("a 1", 1, 3, "expected '=' after the key a"),
        ("= 1", 1, 1, "missing key before '='"),
        ("a =\n", 1, 4, "missing value"),
        ("a = hello", 1, 5, "bare word hello; strings need quotes: \"hello\""),
        ("a = True", 1, 5, "booleans are lowercase"),
        ("a = 1__0", 1, 5, "not a valid number"),
        ("a = 012", 1, 5, "leading zeros"),
        ("a = 99999999999999999999", 1, 5, "does not fit in 64 bits"),
        ("a = .5", 1, 5, "write a digit before the point"),
        ("a = 1.", 1, 5, "not a valid number"),
        ("a = 1979-05-27", 1, 5, "dates and times are not supported"),
        ("a = [1, 2", 1, 5, "unterminated array"),
        ("a = [1 2]", 1, 8, "expected ',' or ']'"),
        ("a = [,]", 1, 6, "missing value before ','"),
        ("a = { b = 1", 1, 5, "unterminated inline table"),
        ("a = { b = 1 c = 2 }", 1, 13, "expected ',' or '}'"),
        ("a = { b = 1, b = 2 }", 1, 14, "duplicate key b (first on line 1)"),
        ("[a]\nx = 1\n[a]", 3, 1, "table [a] is defined twice (first on line 1)"),
        ("[a\nx = 1", 1, 3, "expected ']' to close the table header [a"),
        ("[[a]\n", 1, 5, "expected ']]'"),
        ("a = 1\n[a]", 2, 1, "a is already a value"),
        ("a = {}\n[a.b]", 2, 2, "inline table, which cannot be extended"),
        ("[a]\n[[a]]", 2, 1, "already a table"),
        ("[[a]]\n[a]", 2, 1, "already an array of tables"),
        ("a = [1]\n[[a]]", 2, 1, "already a value"),
        ("[a.b]\n[a]\nb.c = 1", 3, 1, "made by a table header"),
        ("a.b = 1\n[a]", 2, 1, "defined twice"),
        ("a = 1\na.b = 2", 2, 1, "a is already an integer"),
        ("a = \"x\ty\u{1}\"", 1, 9, "control character U+0001"),
        ("a = 1\r", 1, 6, "carriage return not followed by a line feed"),
        ("\"\"\"k\"\"\" = 1", 1, 1, "a multi-line string cannot be a key"),
        ("a.\n", 1, 3, "expected a key"),
    ] as [(String, Int, Int, String)])
    func syntaxErrors(text: String, line: Int, column: Int, reason: String) throws {
        let error = try #require(failure(text), "\(text) should not parse")
        #expect(error.line == line, "\(text): \(error)")
        #expect(error.column == column, "\(text): \(error)")
        #expect(error.reason.contains(reason), "\(text): \(error)")
        #expect(error.description.hasPrefix("line \(line), column \(column): "))
    }

    @Test("columns count characters, not bytes")
    func columnsCountCharacters() throws {
        let error = try #require(failure("\"é\" = \"naïve\" x"))
        #expect(error.column == 15)
    }
}
