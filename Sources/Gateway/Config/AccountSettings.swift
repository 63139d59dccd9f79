import SMPP

/// `[accounts]`: how credit, tracking and the admin API treat accounts.
public struct AccountSettings: Sendable, Hashable {
    /// Where an SMPP client names a message's campaign.
    public enum CampaignSource: Sendable, Hashable {
        case none
        /// The submit's service_type field.
        case serviceType
        /// A TLV (usually a vendor tag 0x1400–0x3FFF) holding the name as text.
        case tlv(UInt16)
    }

    /// Final states that give a charged message's credit back.
    public var refundOn: Set<MessageLifecycle>
    public var campaignSource: CampaignSource
    /// A session that sent nothing (not even enquire_link) for this long shows as dead.
    public var deadAfterSeconds: Int
    /// After unbind, how long a detached session has to answer before it is closed.
    public var detachGraceSeconds: Int
    /// Failed logins in a row that lock an account's API login…
    public var loginFailuresBeforeLockout: Int
    /// …for this long.
    public var loginLockoutSeconds: Int

    public init(refundOn: Set<MessageLifecycle> = [.rejected, .cancelled], campaignSource: CampaignSource = .none,
                deadAfterSeconds: Int = 90, detachGraceSeconds: Int = 5, loginFailuresBeforeLockout: Int = 5,
                loginLockoutSeconds: Int = 900) {
        self.refundOn = refundOn
        self.campaignSource = campaignSource
        self.deadAfterSeconds = deadAfterSeconds
        self.detachGraceSeconds = detachGraceSeconds
        self.loginFailuresBeforeLockout = loginFailuresBeforeLockout
        self.loginLockoutSeconds = loginLockoutSeconds
    }
}

extension AccountSettings.CampaignSource {
    /// The campaign an SMPP submit names here; nil when it names none.
    public func campaign(serviceType: String, tlvs: TLVList) -> String? {
        let name: String?
        switch self {
        case .none: return nil
        case .serviceType: name = serviceType
        case .tlv(let tag):
            name = tlvs.value(TLVTag(rawValue: tag)).map { value in
                // A C-octet string or plain text: drop a trailing NUL.
                String(decoding: value.readableBytesView.prefix { $0 != 0 }, as: UTF8.self)
            }
        }
        guard let name, !name.isEmpty else { return nil }
        return name
    }
}
