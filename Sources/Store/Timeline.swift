import Foundation
import Gateway
import GRDB

/// How a message's timeline is split between its row and `message_events`, and put back together.
///
/// The normal life is kept on the row: `received_at` (accepted), `routed_at`, `submitted_at`,
/// `done_at` (the first final state), each with the few values its transition carried. Every
/// other transition is an event row whose `phase` says how many of those columns were set when
/// it was written (0 none, 1 routed, 2 submitted, 3 done). The columns are only ever set in that
/// order, so accepted, phase-0 rows, routed, phase-1 rows, submitted, phase-2 rows, done,
/// phase-3 rows is exactly the order the transitions were written in. Write order, not `at`:
/// a receipt's done time has minute resolution and often precedes the submit time.
enum Timeline {
    /// `phase` of an event row written now, evaluated on the message row in the same statement.
    static let phaseExpression = """
        CASE WHEN done_at IS NOT NULL THEN 3 WHEN submitted_at IS NOT NULL THEN 2 \
        WHEN routed_at IS NOT NULL THEN 1 ELSE 0 END
        """

    /// `done_kind`: the final state's code in the low bits, plus this flag when the transition's
    /// detail was "receipt" (the only detail a column keeps).
    static let receiptFlag = 16

    /// Final states a `done_kind` can name. Codes are stored: append only.
    private static let doneStates: [MessageLifecycle] = [.delivered, .undeliverable, .expired, .rejected, .deleted]

    static func doneCode(_ state: MessageLifecycle) -> Int? {
        doneStates.firstIndex(of: state).map { $0 + 1 }
    }

    static func doneState(kind: Int) throws -> (MessageLifecycle, detail: String?) {
        let code = kind & (receiptFlag - 1)
        guard code >= 1, code <= doneStates.count else { throw SQLiteMessageStore.corrupt("done_kind \(kind)") }
        return (doneStates[code - 1], kind & receiptFlag != 0 ? "receipt" : nil)
    }

    static let rowColumns = """
        received_at, routed_at, routed_connector, submitted_at, submitted_connector, submitted_upstream_id, \
        done_at, done_kind, done_error_code
        """

    static let eventColumns = "message_id, at, state, connector, upstream_id, error_code, detail, phase"

    /// Merges the row's columns (`rowColumns`) and its event rows (`eventColumns`, in id order).
    static func events(of id: MessageID, row: Row, eventRows: [Row]) throws -> [MessageEvent] {
        var reader = RowReader(row)
        let receivedAt = try reader.date()
        let routedAt = try reader.optionalDate()
        let routedConnector = try reader.next(String?.self)
        let submittedAt = try reader.optionalDate()
        let submittedConnector = try reader.next(String?.self)
        let submittedUpstreamID = try reader.next(String?.self)
        let doneAt = try reader.optionalDate()
        let doneKind = try reader.next(Int?.self)
        let doneErrorCode = try reader.next(Int?.self)

        var columnEvents: [MessageEvent?] = [MessageEvent(messageID: id, at: receivedAt, state: .accepted), nil, nil, nil]
        if let routedAt {
            columnEvents[1] = MessageEvent(messageID: id, at: routedAt, state: .routed, connector: routedConnector)
        }
        if let submittedAt {
            columnEvents[2] = MessageEvent(messageID: id, at: submittedAt, state: .submitted, connector: submittedConnector,
                                           upstreamID: submittedUpstreamID)
        }
        if let doneAt {
            guard let doneKind else { throw SQLiteMessageStore.corrupt("message \(id) has done_at but no done_kind") }
            let (state, detail) = try doneState(kind: doneKind)
            columnEvents[3] = MessageEvent(messageID: id, at: doneAt, state: state, errorCode: doneErrorCode, detail: detail)
        }

        var stored: [(phase: Int, event: MessageEvent)] = []
        stored.reserveCapacity(eventRows.count)
        for eventRow in eventRows {
            var reader = RowReader(eventRow)
            let event = MessageEvent(
                messageID: MessageID(rawValue: try reader.next(Int64.self)), at: try reader.date(), state: try reader.state(),
                connector: try reader.next(String?.self), upstreamID: try reader.next(String?.self),
                errorCode: try reader.next(Int?.self), detail: try reader.next(String?.self))
            stored.append((min(max(try reader.next(Int.self), 0), 3), event))
        }

        var timeline: [MessageEvent] = []
        timeline.reserveCapacity(4 + stored.count)
        for phase in 0...3 {
            if let event = columnEvents[phase] { timeline.append(event) }
            timeline.append(contentsOf: stored.lazy.filter { $0.phase == phase }.map(\.event))
        }
        return timeline
    }
}
