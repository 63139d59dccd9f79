import Foundation
import Logging
import Scripting
import SMPP

/// The per-message decision: hooks (when any are loaded) and the config's routes. Runs
/// synchronously on the caller's thread (a session's event loop), with that thread's VM.
extension TernGateway {
    /// Decides one validated message: filters, sender rewriting, route and price. On success
    /// `message` carries the rewritten sender and the prices, and the connectors come back in
    /// failover order.
    public func decide(_ message: inout Message, account: Account, clientIP: String?, rules: RuleSet) -> Result<[String], SubmissionRejection> {
        guard account.allowsSender(message.source.value) else {
            return .failure(SubmissionRejection(.invalidSourceAddress, "sender \"\(message.source.value)\" is not among the account's allowed senders"))
        }
        message.resellerID = account.resellerID
        let decision = decideByRules(&message, account: account, clientIP: clientIP, rules: rules)
        if case .success = decision { price(&message, account: account) }
        return decision
    }

    /// Prices the `bill` hook left open come from the account's and its reseller's price plans.
    func price(_ message: inout Message, account: Account) {
        if message.price == nil { message.price = account.pricePlan?.price(destination: message.destination.value) }
        if message.resellerPrice == nil, let reseller = account.resellerID {
            message.resellerPrice = cachedAccount(reseller)?.pricePlan?.price(destination: message.destination.value)
        }
    }

    private func decideByRules(_ message: inout Message, account: Account, clientIP: String?, rules: RuleSet) -> Result<[String], SubmissionRejection> {
        let policies = policyFiles(for: account)
        guard rules.hasScripts || !policies.isEmpty else {
            return route(message, rules: rules)
        }
        let engine: PolicyEngine
        do {
            engine = try scripts.engine()
        } catch {
            logger.error("scripts could not be built on this thread", metadata: ["error": "\(error)"])
            countHookFailure(plugin: "scripts")
            return .failure(SubmissionRejection(rules.config.scripting.errorStatus, "scripts unavailable: \(error)"))
        }
        guard engine.decidesMessages(policies: policies) else { return route(message, rules: rules) }
        let reseller = account.resellerID.flatMap { cachedAccount($0)?.systemID }
        let input = Self.scriptMessage(message, account: account, reseller: reseller,
                                       clientIP: clientIP, volume: volume.count(accountID: message.accountID))
        let started = ContinuousClock.now
        var decision = engine.evaluate(input, policies: policies, account: Self.scriptAccount(account, reseller: reseller)) { answer, source in
            Self.resolveRoute(answer, source: source, message: message, rules: rules)
        }
        metrics.hookChain(started.duration(to: .now))
        if var rejection = decision.rejection {
            if rejection.plugin.isEmpty { rejection.plugin = decision.routedBy ?? "route" }
            decision.rejection = rejection
            return .failure(submissionRejection(rejection, messageID: message.id, rules: rules))
        }
        if let source = decision.source {
            guard let address = Self.senderAddress(source) else {
                let rejection = PolicyRejection(.failed(.badAnswer("rewrite_sender answered \"\(source)\", longer than the 20 characters source_addr holds")), plugin: "rewrite_sender", hook: .rewriteSender)
                return .failure(submissionRejection(rejection, messageID: message.id, rules: rules))
            }
            message.source = address
        }
        message.price = decision.price
        message.resellerPrice = decision.resellerPrice
        return .success(decision.route ?? [])
    }

    /// The config's routes alone (no hooks loaded, or none answered).
    func route(_ message: Message, rules: RuleSet) -> Result<[String], SubmissionRejection> {
        guard let route = rules.routes.connectors(account: message.systemID, destination: message.destination.value,
                                                  source: message.source.value, dataCoding: message.dataCoding) else {
            return .failure(SubmissionRejection(.invalidDestinationAddress, "no route matches this destination"))
        }
        return .success(route.connectors)
    }

    public static func resolveRoute(_ answer: [String]?, source: String, message: Message, rules: RuleSet) -> Result<[String], PolicyRejection> {
        if let answer {
            let unknown = answer.filter { !rules.connectorNames.contains($0) }
            guard unknown.isEmpty else {
                let names = unknown.map { "\"\($0)\"" }.joined(separator: ", ")
                return .failure(PolicyRejection(.failed(.badAnswer("route answered \(names), which no [[connector]] defines")), plugin: "", hook: .route))
            }
            return .success(answer)
        }
        guard let route = rules.routes.connectors(account: message.systemID, destination: message.destination.value,
                                                  source: source, dataCoding: message.dataCoding) else {
            return .failure(PolicyRejection(.rejected(status: "ESME_RINVDSTADR", reason: "no route matches this destination"), plugin: "[[route]]", hook: .route))
        }
        return .success(route.connectors)
    }

    /// What the client is told, and what the log says, for a chain's refusal.
    func submissionRejection(_ rejection: PolicyRejection, messageID: MessageID, rules: RuleSet) -> SubmissionRejection {
        switch rejection.cause {
        case .rejected(let name, let reason):
            guard let status = CommandStatus(name: name), status != .ok else {
                logger.error("hook rejected with an unknown status name; sending the error status", metadata: [
                    "plugin": "\(rejection.plugin)", "hook": "\(rejection.hook.rawValue)", "status": "\(name)", "id": "\(messageID)"])
                countHookFailure(plugin: rejection.plugin)
                return SubmissionRejection(rules.config.scripting.errorStatus, "\(rejection.plugin): unknown status \(name): \(reason)")
            }
            return SubmissionRejection(status, "\(rejection.plugin): \(reason)")
        case .failed(let error):
            logger.error("hook failed; message rejected", metadata: [
                "plugin": "\(rejection.plugin)", "hook": "\(rejection.hook.rawValue)", "id": "\(messageID)", "error": "\(error)"])
            countHookFailure(plugin: rejection.plugin)
            return SubmissionRejection(rules.config.scripting.errorStatus, "\(rejection.plugin).\(rejection.hook.rawValue) failed: \(error)")
        }
    }

    /// The reseller's policy, then the account's own.
    func policyFiles(for account: Account) -> [String] {
        var files: [String] = []
        if let resellerID = account.resellerID, let policy = cachedAccount(resellerID)?.policy { files.append(policy) }
        if let policy = account.policy { files.append(policy) }
        return files
    }

    /// The message as hooks see it.
    public static func scriptMessage(_ message: Message, account: Account, reseller: String?, clientIP: String?, volume: Int) -> ScriptMessage {
        let dataCoding = DataCoding(rawValue: message.dataCoding)
        var tlvs: [String: ScriptValue] = [:]
        var payload: [UInt8]?
        if !message.tlvs.isEmpty, let list = try? TLVList(encoded: message.tlvs) {
            for tlv in list {
                let bytes = Array(tlv.value.readableBytesView)
                if tlv.tag == .messagePayload { payload = bytes }
                switch tlv.tag.valueKind {
                case .integer?, .integerVariable?:
                    tlvs[tlv.tag.name] = .integer(Int64(bytes.reduce(0) { $0 << 8 | UInt64($1) } & 0x7FFF_FFFF_FFFF_FFFF))
                case .cString?:
                    tlvs[tlv.tag.name] = .string(String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self))
                default:
                    tlvs[tlv.tag.name] = .string(String(decoding: bytes, as: UTF8.self))
                }
            }
        }
        var userData = payload ?? message.shortMessage
        if ESMClass(rawValue: message.esmClass).hasUDH, let (_, data) = try? UserDataHeader.parse(userData) {
            userData = Array(data)
        }
        let text = try? TextDecoder().decode(userData, dataCoding: dataCoding)
        var script = ScriptMessage(
            id: message.id.description, account: account.systemID, reseller: reseller,
            source: message.source.value, sourceTON: Int(message.source.ton), sourceNPI: Int(message.source.npi),
            destination: message.destination.value, destinationTON: Int(message.destination.ton), destinationNPI: Int(message.destination.npi),
            text: text, dataCoding: Int(message.dataCoding), esmClass: Int(message.esmClass),
            registeredDelivery: Int(message.registeredDelivery), serviceType: message.serviceType,
            parts: payload.map { SMSParts.count(octets: $0.count, dataCoding: dataCoding) } ?? 1,
            tlvs: tlvs, clientIP: clientIP, volume: volume)
        script.concat = message.concatenation.map {
            ScriptConcatenation(reference: $0.reference, total: $0.total, sequence: $0.sequence)
        }
        return script
    }

    /// The account as hooks see it.
    public static func scriptAccount(_ account: Account, reseller: String?) -> ScriptAccount {
        ScriptAccount(systemID: account.systemID, reseller: reseller, enabled: account.enabled, maxBinds: account.maxBinds,
                      throughput: account.throughput, policy: account.policy)
    }

    /// A rewritten sender as an address: digits (with an optional +) are an international
    /// number, anything else an alphanumeric sender ID.
    ///
    /// Read by octets: it runs for every rewritten message, and walking Characters (grapheme
    /// breaking) cost a whole percent of the gateway's CPU with the shipped sender rules.
    public static func senderAddress(_ text: String) -> WireAddress? {
        // The "+" is dropped as an octet: dropping a Character would take a combining mark with it.
        let digits = text.utf8.first == UInt8(ascii: "+") ? Substring(text.utf8.dropFirst()) : Substring(text)
        if !digits.isEmpty, digits.isDecimalDigitsASCII {
            return digits.utf8.count <= 20 ? WireAddress(ton: 1, npi: 1, value: String(digits)) : nil
        }
        return text.utf8.count <= 20 ? WireAddress(ton: 5, npi: 0, value: text) : nil
    }
}

/// How many SMS a message_payload takes once split (the upstream or Tern splits it).
enum SMSParts {
    static func count(octets: Int, dataCoding: DataCoding) -> Int {
        let (single, part): (Int, Int)
        switch dataCoding.alphabet {
        case .gsm7, .ascii: (single, part) = (160, 153)
        case .ucs2: (single, part) = (140, 134)
        default: (single, part) = (140, 134)
        }
        if octets <= single { return 1 }
        return (octets + part - 1) / part
    }
}

