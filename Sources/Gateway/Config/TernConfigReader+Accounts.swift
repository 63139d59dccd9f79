extension ConfigKeys {
    static let accounts = ["refund_on", "campaign_from", "dead_after_seconds", "detach_grace_seconds",
                           "login_failures_before_lockout", "login_lockout_seconds"]
}

extension TernConfigReader {
    func readAccounts(_ reader: ConfigSectionReader) -> AccountSettings {
        reader.rejectUnknownKeys(known: ConfigKeys.accounts)
        var settings = AccountSettings()
        if let states = reader.strings("refund_on") {
            var refundOn: Set<MessageLifecycle> = []
            let finals = MessageLifecycle.allCases.filter(\.isFinal)
            for (text, line) in states {
                if let state = MessageLifecycle(rawValue: text), state.isFinal, state != .delivered {
                    refundOn.insert(state)
                } else {
                    let names = finals.filter { $0 != .delivered }.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
                    reader.report(at: line, "refund_on: \"\(text)\" is not a final state that can be refunded (one of \(names))")
                }
            }
            settings.refundOn = refundOn
        }
        if let source = reader.string("campaign_from") {
            switch source {
            case "none": settings.campaignSource = .none
            case "service_type": settings.campaignSource = .serviceType
            default:
                let hex = source.hasPrefix("tlv:0x") ? source.dropFirst(6) : ""
                if let tag = UInt16(hex, radix: 16) {
                    settings.campaignSource = .tlv(tag)
                } else {
                    reader.report("campaign_from", "\"\(source)\" is not \"none\", \"service_type\" or \"tlv:0xTAG\" (e.g. \"tlv:0x1400\")")
                }
            }
        }
        if let seconds = reader.integer("dead_after_seconds", atLeast: 5, atMost: 86_400, unit: "seconds") { settings.deadAfterSeconds = seconds }
        if let seconds = reader.integer("detach_grace_seconds", atLeast: 0, atMost: 300, unit: "seconds") { settings.detachGraceSeconds = seconds }
        if let count = reader.integer("login_failures_before_lockout", atLeast: 1, atMost: 1_000) { settings.loginFailuresBeforeLockout = count }
        if let seconds = reader.integer("login_lockout_seconds", atLeast: 1, atMost: 86_400, unit: "seconds") { settings.loginLockoutSeconds = seconds }
        return settings
    }
}
