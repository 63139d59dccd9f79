import Foundation
import Gateway
import Hummingbird
import SMPP

/// `/api/v1/messages`: tracking (search, one message's timeline and charge) and sending.
extension AdminAPI {
    struct MessageView: Codable {
        var id: String
        var account: String
        var from: String
        var to: String
        var campaign: String?
        var state: String
        var connector: String?
        var upstreamId: String?
        var receivedAt: Date
        var part: PartView?
        var attempts: Int
        var errorCode: Int?
        var price: Int?
        /// Shown to the admin and the reseller, never to the user.
        var resellerPrice: Int?
        var charged: Bool
        /// Only in the single-message view.
        var text: String?
        var timeline: [EventView]?

        struct PartView: Codable {
            var reference: Int
            var sequence: Int
            var total: Int
        }

        init(_ message: Message, caller: Caller, detailed: Bool = false, events: [MessageEvent] = []) {
            id = message.id.description
            account = message.systemID
            from = message.source.value
            to = message.destination.value
            campaign = message.campaign
            state = message.state.rawValue
            connector = caller.role == .user ? nil : message.connector
            upstreamId = caller.role == .user ? nil : message.upstreamID
            receivedAt = message.receivedAt
            part = message.concatenation.map { PartView(reference: $0.reference, sequence: $0.sequence, total: $0.total) }
            attempts = message.attempts
            errorCode = message.errorCode
            price = message.price
            resellerPrice = caller.role == .user ? nil : message.resellerPrice
            charged = message.charged
            if detailed {
                text = Self.text(of: message)
                timeline = events.map { EventView($0, caller: caller) }
            }
        }

        /// The text as the handset shows it (the UDH left out).
        static func text(of message: Message) -> String? {
            var octets = message.shortMessage
            if message.esmClass & 0x40 != 0, let length = octets.first, Int(length) + 1 <= octets.count {
                octets.removeFirst(Int(length) + 1)
            }
            if octets.isEmpty, let tlvs = try? TLVList(encoded: message.tlvs), let payload = tlvs.messagePayload {
                octets = Array(payload.readableBytesView)
            }
            return try? TextDecoder().decode(octets, dataCoding: DataCoding(rawValue: message.dataCoding))
        }
    }

    struct EventView: Codable {
        var at: Date
        var state: String
        var connector: String?
        var errorCode: Int?
        var detail: String?
        /// True for a state an upstream receipt reported.
        var receipt: Bool

        init(_ event: MessageEvent, caller: Caller) {
            at = event.at
            state = event.state.rawValue
            connector = caller.role == .user ? nil : event.connector
            errorCode = event.errorCode
            detail = event.detail
            receipt = event.detail == "receipt"
        }
    }

    struct SearchView: Codable {
        var messages: [MessageView]
        /// Pass as `before` for the next page; nil on the last one.
        var next: String?
    }

    struct SendRequest: Decodable {
        var from: String?
        var to: Recipients?
        var text: String?
        var campaign: String?
        /// A batch of different messages; `from` and `campaign` above apply to each unless set.
        var messages: [Item]?

        struct Item: Decodable {
            var from: String?
            var to: String
            var text: String
        }

        enum Recipients: Decodable {
            case one(String)
            case many([String])

            init(from decoder: any Decoder) throws {
                let container = try decoder.singleValueContainer()
                if let one = try? container.decode(String.self) {
                    self = .one(one)
                } else {
                    self = .many(try container.decode([String].self))
                }
            }

            var list: [String] {
                switch self {
                case .one(let number): [number]
                case .many(let numbers): numbers
                }
            }
        }
    }

    struct SendResultView: Codable {
        var to: String
        var ids: [String]
        var status: String
        var reason: String?
    }

    func registerMessages(on api: RouterGroup<APIContext>) {
        api.get("messages") { request, context -> Response in
            let caller = try context.requireCaller()
            let parameters = request.uri.queryParameters
            var query = MessageQuery(scope: caller.scopeList)
            query.limit = try Self.integer(request, "limit", default: 50, range: 1...1000)
            if let id = parameters.get("id") {
                guard let parsed = MessageID(id) else { throw HTTPError(.badRequest, message: "id \"\(id)\" is not a message id") }
                query.messageID = parsed
            }
            query.source = parameters.get("sender")
            query.destination = parameters.get("to").map { $0.hasPrefix("+") ? String($0.dropFirst()) : $0 }
            query.campaign = parameters.get("campaign")
            if let state = parameters.get("status") {
                guard let parsed = MessageLifecycle(rawValue: state) else {
                    let names = MessageLifecycle.allCases.map(\.rawValue).joined(separator: ", ")
                    throw HTTPError(.badRequest, message: "status \"\(state)\" is not one of \(names)")
                }
                query.state = parsed
            }
            if let systemID = parameters.get("account") {
                query.accountID = try await visibleAccount(systemID, caller: caller).id
            }
            query.from = try Self.time(request, "since")
            query.to = try Self.time(request, "until")
            if let before = parameters.get("before") {
                guard let parsed = MessageID(before) else { throw HTTPError(.badRequest, message: "before \"\(before)\" is not a message id") }
                query.before = parsed
            }
            let messages = try await store.searchMessages(query)
            return try Self.json(SearchView(messages: messages.map { MessageView($0, caller: caller) },
                                            next: messages.count == query.limit ? messages.last?.id.description : nil))
        }

        api.get("messages/:id") { _, context -> Response in
            let caller = try context.requireCaller()
            let text = try context.parameters.require("id")
            guard let id = MessageID(text), let message = try await store.message(id), caller.canSee(message.accountID) else {
                throw HTTPError(.notFound, message: "no message \(text)")
            }
            let events = try await store.events(of: id)
            return try Self.json(MessageView(message, caller: caller, detailed: true, events: events))
        }

        api.post("messages") { request, context -> Response in
            let caller = try context.requireCaller()
            guard let account = caller.account else {
                throw HTTPError(.badRequest, message: "messages are sent as an account: use its login or API token, not the local admin token")
            }
            let body = try await Self.decode(SendRequest.self, from: request, context: context)
            var submissions: [HTTPSubmission] = []
            if let items = body.messages {
                for item in items {
                    guard let from = item.from ?? body.from else { throw HTTPError(.badRequest, message: "every message needs a \"from\" (or one \"from\" for all)") }
                    submissions.append(HTTPSubmission(source: from, destination: Self.number(item.to), text: item.text, campaign: body.campaign))
                }
            } else {
                guard let from = body.from, let to = body.to, let text = body.text else {
                    throw HTTPError(.badRequest, message: "send {\"from\", \"to\", \"text\"} (\"to\" a number or a list), or {\"messages\": [...]}")
                }
                submissions = to.list.map { HTTPSubmission(source: from, destination: Self.number($0), text: text, campaign: body.campaign) }
            }
            guard !submissions.isEmpty else { throw HTTPError(.badRequest, message: "no recipients") }
            guard submissions.count <= 10_000 else { throw HTTPError(.contentTooLarge, message: "at most 10000 messages per request") }
            if let campaign = body.campaign, campaign.isEmpty || campaign.count > 64 {
                throw HTTPError(.badRequest, message: "campaign must be 1 to 64 characters")
            }
            let results = await gateway.submit(submissions, account: account, clientIP: context.remote)
            let views = results.map { result in
                SendResultView(to: result.destination, ids: result.messageIDs.map(\.description),
                               status: result.status?.name ?? "accepted",
                               reason: result.reason)
            }
            let accepted = results.filter { $0.status == nil }.count
            // 202: accepted for delivery (stored, not yet delivered). A batch with no message
            // accepted says why in each result, with 422 for the whole.
            return try Self.json(SendView(accepted: accepted, results: views), status: accepted > 0 ? .accepted : .unprocessableContent)
        }
    }

    static func number(_ text: String) -> String {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        return trimmed.hasPrefix("+") ? String(trimmed.dropFirst()) : trimmed
    }

    struct SendView: Codable {
        var accepted: Int
        var results: [SendResultView]
    }
}
