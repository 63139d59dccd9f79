import Foundation
import Gateway
import Hummingbird

/// `POST /api/v1/reload`: the same reload as SIGHUP and `tern reload`. Answers 200 with the
/// changes, or 422 with every problem as `FILE:LINE: reason` (the running config stays).
public struct ReloadRoutes: Sendable {
    public typealias Reload = @Sendable () async -> Result<ReloadReport, ConfigErrors>
    public static let path: RouterPath = "/api/v1/reload"

    private let reload: Reload

    public init(reload: @escaping Reload) {
        self.reload = reload
    }

    public func register<Context: RequestContext>(on router: Router<Context>) {
        let reload = self.reload
        router.post(Self.path) { _, _ -> Response in
            let body: ReloadAnswer
            let status: HTTPResponse.Status
            switch await reload() {
            case .success(let report):
                body = ReloadAnswer(ok: true, generation: report.generation, changes: report.diff.changes,
                                    needsRestart: report.diff.needsRestart, errors: [])
                status = .ok
            case .failure(let errors):
                body = ReloadAnswer(ok: false, generation: nil, changes: [], needsRestart: [], errors: errors.errors.map(\.description))
                status = .unprocessableContent
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            let data = (try? encoder.encode(body)) ?? Data("{}".utf8)
            return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
        }
    }
}

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

    public init(ok: Bool, generation: Int?, changes: [String], needsRestart: [String], errors: [String]) {
        self.ok = ok
        self.generation = generation
        self.changes = changes
        self.needsRestart = needsRestart
        self.errors = errors
    }
}
