import Foundation
import NIOCore
import SMPP

/// A message sent through the HTTP API (the web interface, HTTP clients).
public struct HTTPSubmission: Sendable, Hashable {
    public var source: String
    public var destination: String
    public var text: String
    public var campaign: String?

    public init(source: String, destination: String, text: String, campaign: String? = nil) {
        self.source = source
        self.destination = destination
        self.text = text
        self.campaign = campaign
    }
}

/// What became of one HTTP submission: the ids of its parts, or why it was refused.
public struct HTTPSubmitResult: Sendable, Hashable {
    public var destination: String
    public var messageIDs: [MessageID]
    /// nil when accepted.
    public var status: CommandStatus?
    public var reason: String?

    public init(destination: String, messageIDs: [MessageID] = [], status: CommandStatus? = nil, reason: String? = nil) {
        self.destination = destination
        self.messageIDs = messageIDs
        self.status = status
        self.reason = reason
    }
}

extension TernGateway {
    /// Sends text messages for `account` through the same steps as an SMPP submit: checks,
    /// hooks, route, price, credit, durable store, then dispatch. Each destination is answered
    /// on its own; a long text becomes UDH parts (one reference per message).
    public func submit(_ submissions: [HTTPSubmission], account: Account, clientIP: String?) async -> [HTTPSubmitResult] {
        // The reseller's price plan and name come from the account cache, as for a bound session.
        await rememberAccount(account)
        let rules = self.rules
        let now = Date()
        var results: [HTTPSubmitResult] = []
        var items: [DispatchItem] = []
        var itemsOf: [Int: Range<Int>] = [:]
        var reference = UInt8.random(in: 0...255)
        for submission in submissions {
            let index = results.count
            results.append(HTTPSubmitResult(destination: submission.destination))
            guard let sender = Self.senderAddress(submission.source) else {
                results[index].status = .invalidSourceAddress
                results[index].reason = "the sender has more than 20 characters"
                continue
            }
            guard limiter.admit(accountID: account.id ?? 0, rate: account.throughput) else {
                results[index].status = .throttled
                results[index].reason = "over the account's \(account.throughput ?? 0) messages per second"
                continue
            }
            reference &+= 1
            let split: SplitMessage
            do {
                split = try MessageSplitter().split(submission.text, using: .udh8(reference: reference))
            } catch {
                results[index].status = .invalidMessageLength
                results[index].reason = "\(error)"
                continue
            }
            var parts: [DispatchItem] = []
            var refusal: SubmissionRejection?
            for part in split.parts {
                let submit = SubmitSM(
                    source: Address(ton: TypeOfNumber(rawValue: sender.ton), npi: NumberingPlanIndicator(rawValue: sender.npi), value: sender.value),
                    destination: Address(ton: .international, npi: .isdn, value: submission.destination),
                    esmClass: ESMClass(rawValue: part.hasUDH ? 0x40 : 0), dataCoding: split.dataCoding,
                    shortMessage: ByteBuffer(bytes: part.octets))
                do throws(SubmissionRejection) {
                    var message = try Submission(submit, tlvs: TLVList()).message(
                        id: ids.next(now: now), account: account, now: now, defaultValiditySeconds: rules.config.server.defaultValiditySeconds)
                    message.campaign = submission.campaign
                    switch decide(&message, account: account, clientIP: clientIP, rules: rules) {
                    case .success(let connectors): parts.append(DispatchItem(message: message, connectors: connectors))
                    case .failure(let rejection): refusal = rejection
                    }
                } catch {
                    refusal = error
                }
                if refusal != nil { break }
            }
            if let refusal {
                results[index].status = refusal.status
                results[index].reason = refusal.reason
                continue
            }
            itemsOf[index] = items.count..<(items.count + parts.count)
            items += parts
        }
        if items.isEmpty { return results }
        guard dispatcher.reserve(items.count) else {
            for index in itemsOf.keys {
                results[index].status = .messageQueueFull
                results[index].reason = "\(dispatcher.outstandingCount) messages queued; the gateway is full"
            }
            return results
        }
        let accepted = items
        let outcome: Result<ApplyOutcome, any Error> = await withCheckedContinuation { continuation in
            accept(accepted) { continuation.resume(returning: $0) }
        }
        for (index, range) in itemsOf {
            let ids = items[range].map(\.message.id)
            switch outcome {
            case .success(let outcome):
                if let reason = ids.lazy.compactMap({ outcome.refusedForCredit[$0] }).first {
                    results[index].status = .submitFailed
                    results[index].reason = reason
                }
                results[index].messageIDs = ids
            case .failure(let error):
                results[index].status = .systemError
                results[index].reason = "the message store failed: \(error)"
            }
        }
        return results
    }
}
