/// Sets of digit prefixes as tries sharing two flat arrays: each set is a root node, a lookup
/// walks the number once, and no set owns storage of its own, so matching touches no
/// reference counts however many sets a table holds.
struct DigitPrefixForest: Sendable {
    /// Ten child slots per node; 0 means no child (node 0 is a placeholder, never a child).
    private var children: [Int32] = Array(repeating: 0, count: 10)
    private var terminal: [Bool] = [false]

    init() {}

    /// Adds a set and returns its root, for `matches(_:root:)`.
    mutating func addSet(_ prefixes: some Sequence<String>) -> Int32 {
        let root = newNode()
        for prefix in prefixes { insert(prefix, root: root) }
        return root
    }

    private mutating func newNode() -> Int32 {
        let node = Int32(terminal.count)
        terminal.append(false)
        children.append(contentsOf: repeatElement(0, count: 10))
        return node
    }

    private mutating func insert(_ prefix: String, root: Int32) {
        var node = Int(root)
        for byte in prefix.utf8 {
            guard let digit = Self.digit(byte) else { return }
            let slot = node * 10 + digit
            if children[slot] == 0 { children[slot] = newNode() }
            node = Int(children[slot])
        }
        terminal[node] = true
    }

    /// Whether `number` (a leading '+' is skipped) starts with one of the set's prefixes.
    func matches(_ number: String, root: Int32) -> Bool {
        var iterator = number.utf8.makeIterator()
        var node = Int(root)
        var first = true
        while true {
            if terminal[node] { return true }
            guard var byte = iterator.next() else { return false }
            if first {
                first = false
                if byte == UInt8(ascii: "+") {
                    guard let next = iterator.next() else { return false }
                    byte = next
                }
            }
            guard let digit = Self.digit(byte) else { return false }
            let child = children[node * 10 + digit]
            if child == 0 { return false }
            node = Int(child)
        }
    }

    private static func digit(_ byte: UInt8) -> Int? {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") ? Int(byte - UInt8(ascii: "0")) : nil
    }
}
