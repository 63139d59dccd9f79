import Foundation
import Gateway
import Hummingbird

/// The JSON `POST /api/v1/reload` answers with (and `tern reload` prints).
public struct ReloadAnswer: Codable, Sendable, Hashable {
    public var ok: Bool
    public var generation: Int?
    public var changes: [String]
    public var needsRestart: [String]
    public var errors: [String]

    enum CodingKeys: String, CodingKey {
        case ok, generation, changes, errors
        case needsRestart = "needs_restart"
    }

    /// The answer to a reload: the changes, or every problem as `FILE:LINE: reason`.
    public init(_ result: Result<ReloadReport, ConfigErrors>) {
        switch result {
        case .success(let report):
            self.init(ok: true, generation: report.generation, changes: report.diff.changes, needsRestart: report.diff.needsRestart, errors: [])
        case .failure(let errors):
            self.init(ok: false, generation: nil, changes: [], needsRestart: [], errors: errors.errors.map(\.description))
        }
    }

    public init(ok: Bool, generation: Int?, changes: [String], needsRestart: [String], errors: [String]) {
        self.ok = ok
        self.generation = generation
        self.changes = changes
        self.needsRestart = needsRestart
        self.errors = errors
    }
}
