import NIOConcurrencyHelpers
import SMPP

/// Every bound client session, by account: enforces max binds, picks a receiver for receipts and
/// MO (round-robin over an account's receiver and transceiver sessions), and lists sessions for
/// the admin side.
public final class SessionRegistry: Sendable {
    private struct State {
        var nextID: UInt64 = 1
        var byAccount: [Int64: [ClientSession]] = [:]
        var roundRobin: [Int64: Int] = [:]
        var total = 0
    }

    private let state = NIOLockedValueBox(State())

    public init() {}

    public enum RegistrationError: Error, Sendable, Hashable {
        case tooManyBinds(limit: Int)
    }

    public func nextSessionID() -> UInt64 {
        state.withLockedValue { state in
            defer { state.nextID += 1 }
            return state.nextID
        }
    }

    /// Adds a bound session unless the account already has `maxBinds` sessions; returns how
    /// many the account has bound now.
    @discardableResult
    public func register(_ session: ClientSession, maxBinds: Int) throws(RegistrationError) -> Int {
        let bound = state.withLockedValue { state -> Int? in
            let sessions = state.byAccount[session.accountID, default: []]
            if maxBinds > 0, sessions.count >= maxBinds { return nil }
            state.byAccount[session.accountID, default: []].append(session)
            state.total += 1
            return sessions.count + 1
        }
        guard let bound else { throw .tooManyBinds(limit: maxBinds) }
        return bound
    }

    public func session(id: UInt64) -> ClientSession? {
        state.withLockedValue { state in
            for sessions in state.byAccount.values {
                if let session = sessions.first(where: { $0.id == id }) { return session }
            }
            return nil
        }
    }

    public func unregister(_ session: ClientSession) {
        state.withLockedValue { state in
            guard var sessions = state.byAccount[session.accountID],
                  let index = sessions.firstIndex(where: { $0.id == session.id }) else { return }
            sessions.remove(at: index)
            state.total -= 1
            state.byAccount[session.accountID] = sessions.isEmpty ? nil : sessions
        }
    }

    /// A session of the account that can receive deliver_sm, taking turns between them.
    public func receiver(accountID: Int64) -> ClientSession? {
        // Called for every receipt: counted and picked in place, without a filtered array.
        state.withLockedValue { state in
            guard let sessions = state.byAccount[accountID] else { return nil }
            var receivers = 0
            for session in sessions where session.canReceive { receivers += 1 }
            guard receivers > 0 else { return nil }
            let turn = state.roundRobin[accountID, default: 0]
            state.roundRobin[accountID] = turn &+ 1
            var skip = Int(UInt(bitPattern: turn) % UInt(receivers))
            for session in sessions where session.canReceive {
                if skip == 0 { return session }
                skip -= 1
            }
            return nil
        }
    }

    public func sessions(accountID: Int64) -> [ClientSession] {
        state.withLockedValue { $0.byAccount[accountID] ?? [] }
    }

    public func allSessions() -> [ClientSession] {
        state.withLockedValue { $0.byAccount.values.flatMap { $0 } }
    }

    public var count: Int { state.withLockedValue { $0.total } }
}
