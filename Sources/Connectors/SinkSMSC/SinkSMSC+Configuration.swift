import SMPP

extension SinkSMSC {
    /// How a sink SMSC listens, whom it binds and what it answers.
    public struct Configuration: Sendable, Hashable {
        /// How the sink writes the message ids it returns, so id normalization can be exercised.
        public enum MessageIDFormat: String, Sendable, Hashable, CaseIterable {
            /// `2684354561`
            case decimal
            /// `A0000001`
            case hexUppercase
            /// `00000000A0000001` (16 digits)
            case hexLeadingZeros
            /// `5C2B1FD3A4E06B97` (16 digits): each id a one-to-one scramble of the counter, so
            /// unique but in no order, like the random or hashed ids many SMSCs hand out. What a
            /// store's index on upstream ids sees from those is random inserts, not appends.
            case scattered
        }

        public var host: String
        /// 0 picks a free port; read `SinkSMSC.port` after `start`.
        public var port: Int
        /// Accepted system_id → password; empty accepts every bind.
        public var credentials: [String: String]
        /// How long after submit_sm_resp the receipt leaves.
        public var receiptDelay: Duration
        /// The final state every receipt reports.
        public var outcome: MessageState
        public var messageIDFormat: MessageIDFormat
        /// The first id handed out; the default makes hex ids contain letters.
        public var firstMessageID: UInt64
        /// How many receipts may await deliver_sm_resp per session.
        public var receiptWindow: Int
        /// How often queued receipts are sent: receipts go out in batches, one flush per tick.
        public var receiptTick: Duration
        /// Share (0…1) of submits answered ESME_RTHROTTLED from the start; see also `SinkSMSC.throttle`.
        public var throttledShare: Double
        /// Refuse every bind (ESME_RBINDFAIL) from the start; see also `SinkSMSC.refuseBinds`.
        public var refuseBinds: Bool

        public init(host: String = "127.0.0.1", port: Int = 0, credentials: [String: String] = [:],
                    receiptDelay: Duration = .milliseconds(10), outcome: MessageState = .delivered,
                    messageIDFormat: MessageIDFormat = .decimal, firstMessageID: UInt64 = 0xA000_0000,
                    receiptWindow: Int = 1024, receiptTick: Duration = .milliseconds(10),
                    throttledShare: Double = 0, refuseBinds: Bool = false) {
            self.host = host
            self.port = port
            self.credentials = credentials
            self.receiptDelay = receiptDelay
            self.outcome = outcome
            self.messageIDFormat = messageIDFormat
            self.firstMessageID = firstMessageID
            self.receiptWindow = receiptWindow
            self.receiptTick = receiptTick
            self.throttledShare = throttledShare
            self.refuseBinds = refuseBinds
        }
    }

    /// What the sink has done since it was created. Updated once per read batch or receipt tick,
    /// so a value may lag by one tick.
    public struct Counters: Sendable, Hashable {
        public var connections = 0
        public var binds = 0
        public var bindsRefused = 0
        public var submitsReceived = 0
        public var submitsThrottled = 0
        public var receiptsSent = 0
        public var receiptsAcknowledged = 0
        public var mobileOriginatedSent = 0

        public init() {}

        mutating func add(_ other: Counters) {
            connections += other.connections
            binds += other.binds
            bindsRefused += other.bindsRefused
            submitsReceived += other.submitsReceived
            submitsThrottled += other.submitsThrottled
            receiptsSent += other.receiptsSent
            receiptsAcknowledged += other.receiptsAcknowledged
            mobileOriginatedSent += other.mobileOriginatedSent
        }

        var isZero: Bool { self == Counters() }
    }
}
