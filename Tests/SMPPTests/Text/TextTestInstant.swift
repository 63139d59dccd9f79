/// An `InstantProtocol` whose time only moves when a test says so.
struct TextTestInstant: InstantProtocol {
    var offset: Duration

    init(_ offset: Duration = .zero) { self.offset = offset }

    func advanced(by duration: Duration) -> TextTestInstant { TextTestInstant(offset + duration) }
    func duration(to other: TextTestInstant) -> Duration { other.offset - offset }
    static func < (lhs: TextTestInstant, rhs: TextTestInstant) -> Bool { lhs.offset < rhs.offset }
}
