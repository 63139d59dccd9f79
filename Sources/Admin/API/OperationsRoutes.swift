import Foundation
import Gateway
import Hummingbird

/// `/api/v1/connectors` and `POST /api/v1/reload`: the aggregator's own machinery, admin only.
extension AdminAPI {
    struct ConnectorView: Codable {
        var name: String
        var state: String
        var sessionsUp: Int
        var queueDepth: Int
        var inFlight: Int
        /// Messages per second the connector accepted over the last ten seconds.
        var rate: Double
        /// The rate it allows itself now (adaptive), when it has a cap.
        var allowedRate: Double?
    }

    func registerOperations(on api: RouterGroup<APIContext>) {
        api.get("connectors") { _, context -> Response in
            let caller = try context.requireCaller()
            guard caller.isAdmin else { throw HTTPError(.forbidden, message: "connectors are shown to the admin only") }
            let dispatcher = gateway.dispatcher
            let views = gateway.connectors.values.sorted { $0.name < $1.name }.map { connector in
                let health = connector.health
                return ConnectorView(name: connector.name, state: health.link.rawValue, sessionsUp: health.sessionsUp,
                                     queueDepth: dispatcher.queueDepth(connector: connector.name), inFlight: health.inFlight,
                                     rate: (dispatcher.sendRate(connector: connector.name) * 10).rounded() / 10,
                                     allowedRate: health.currentRate)
            }
            return try Self.json(["connectors": views])
        }

        api.post("reload") { _, context -> Response in
            let caller = try context.requireCaller()
            guard caller.isAdmin else { throw HTTPError(.forbidden, message: "only the admin reloads the configuration") }
            guard let reload else { throw HTTPError(.serviceUnavailable, message: "this server was started without a config file to reload") }
            let answer = ReloadAnswer(await reload())
            await audit(caller, context, action: "reload", target: "config", targetID: nil,
                        detail: answer.ok ? answer.changes.joined(separator: "; ") : "refused: " + answer.errors.joined(separator: "; "))
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            let data = try encoder.encode(answer)
            return Response(status: answer.ok ? .ok : .unprocessableContent, headers: [.contentType: "application/json"],
                            body: .init(byteBuffer: ByteBuffer(bytes: data)))
        }
    }
}
