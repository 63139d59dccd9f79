import Foundation
import Gateway
import Hummingbird
import SMPP

/// `/api/v1/sessions`: every bound SMPP session, and detaching them.
extension AdminAPI {
    struct SessionView: Codable {
        var id: UInt64
        var systemId: String
        var bindType: String
        var remote: String
        var tls: Bool
        var interfaceVersion: String
        var boundSince: Date
        var lastPduAt: Date
        /// "alive", or "dead" when the client sent nothing for `dead_after_seconds`.
        var health: String
        /// Submits sent and not yet answered (the client's window in use).
        var windowInUse: Int
        /// deliver_sm sent to the client and not yet answered.
        var deliveriesInFlight: Int
        /// Messages per second over the last ten seconds.
        var rate: Double
    }

    func registerSessions(on api: RouterGroup<APIContext>) {
        api.get("sessions") { request, context -> Response in
            let caller = try context.requireCaller()
            var sessions = gateway.registry.allSessions().filter { caller.canSee($0.accountID) }
            if let systemID = request.uri.queryParameters.get("account") {
                let account = try await visibleAccount(systemID, caller: caller)
                sessions = sessions.filter { $0.accountID == account.id }
            }
            var views: [SessionView] = []
            for session in sessions.sorted(by: { $0.id < $1.id }) { views.append(await view(session)) }
            return try Self.json(["sessions": views])
        }

        api.delete("sessions/:id") { _, context -> Response in
            let caller = try context.requireCaller()
            let id = try context.parameters.require("id", as: UInt64.self)
            guard let session = gateway.registry.session(id: id), caller.canSee(session.accountID) else {
                throw HTTPError(.notFound, message: "no bound session \(id)")
            }
            session.detach(grace: .seconds(Int64(gateway.config.accounts.detachGraceSeconds)))
            await audit(caller, context, action: "session.detach", target: session.systemID, targetID: session.accountID,
                        detail: "session \(id) from \(session.remoteAddress)")
            return try Self.json(["detached": [id]], status: .accepted)
        }

        api.delete("sessions") { request, context -> Response in
            let caller = try context.requireCaller()
            guard let systemID = request.uri.queryParameters.get("account") else {
                throw HTTPError(.badRequest, message: "name the account whose sessions to detach: DELETE /api/v1/sessions?account=SYSTEM_ID")
            }
            let account = try await visibleAccount(systemID, caller: caller)
            guard let accountID = account.id else { throw HTTPError(.notFound) }
            let sessions = gateway.registry.sessions(accountID: accountID)
            for session in sessions { session.detach(grace: .seconds(Int64(gateway.config.accounts.detachGraceSeconds))) }
            await audit(caller, context, action: "session.detach", target: account.systemID, targetID: accountID,
                        detail: "all \(sessions.count) session(s)")
            return try Self.json(["detached": sessions.map(\.id)], status: .accepted)
        }
    }

    private func view(_ session: ClientSession) async -> SessionView {
        let now = Date()
        let last = session.activity.lastInbound
        let dead = now.timeIntervalSince(last) > Double(gateway.config.accounts.deadAfterSeconds)
        let bindType: String = switch session.bindType {
        case .transmitter: "transmitter"
        case .receiver: "receiver"
        case .transceiver: "transceiver"
        }
        return SessionView(
            id: session.id, systemId: session.systemID, bindType: bindType, remote: session.remoteAddress, tls: session.tls,
            interfaceVersion: session.interfaceVersion >= 0x50 ? "5.0" : session.interfaceVersion >= 0x34 ? "3.4" : "3.3",
            boundSince: session.boundSince, lastPduAt: last, health: dead ? "dead" : "alive", windowInUse: session.activity.inFlight,
            deliveriesInFlight: await session.deliveriesInFlight(), rate: (session.activity.rate(now: now) * 10).rounded() / 10)
    }
}
