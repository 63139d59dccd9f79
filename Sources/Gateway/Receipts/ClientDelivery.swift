import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import SMPP

/// Brings receipts and MO messages to the client sessions of the right account.
///
/// A receipt goes to a bound receiver or transceiver session of the message's account. When none
/// is bound, or the client does not take it, the receipt is stored (`PendingReceipt`) and sent
/// when a receiver binds, until it expires. MO messages without a bound receiver (or that the
/// client refuses) are stored the same way (`PendingMobileOriginated`), so a restart loses none.
public final class ClientDelivery: Sendable {
    private let registry: SessionRegistry
    private let committer: GroupCommitter
    private let store: any MessageStore
    private let logger: Logger
    private let counters = NIOLockedValueBox(Counters())
    /// Ids for stored MO messages (their arrival order).
    private let moIDs = MessageIDGenerator()
    /// Stored MO messages sent to a client and not yet removed from the store.
    private let moOnTheirWay = NIOLockedValueBox(Set<MessageID>())
    /// Stored receipts (by message id) sent to a client and not yet removed from the store.
    private let receiptsOnTheirWay = NIOLockedValueBox(Set<MessageID>())
    /// Accounts whose stored receipts and MO are being flushed, and those asked for again
    /// meanwhile: one flush per account at a time, so none sends from a page another has
    /// already sent from.
    private let flushes = NIOLockedValueBox((running: Set<Int64>(), again: Set<Int64>()))
    /// How long an MO message waits for a receiver before it is dropped.
    public let moKeepSeconds: Int

    public struct Counters: Sendable, Hashable {
        public var receiptsSent = 0
        public var receiptsQueued = 0
        public var receiptsExpired = 0
        public var moSent = 0
        public var moHeld = 0
        public var moExpired = 0
    }

    public init(registry: SessionRegistry, committer: GroupCommitter, store: any MessageStore, logger: Logger,
                moKeepSeconds: Int = 72 * 3600) {
        self.registry = registry
        self.committer = committer
        self.store = store
        self.logger = logger
        self.moKeepSeconds = moKeepSeconds
    }

    public var counts: Counters { counters.withLockedValue { $0 } }

    /// Sends (or stores) the receipt for a message that reached `state`, if its client asked for
    /// one and the account takes receipts.
    public func receipt(for correlation: Correlation, state: MessageLifecycle, errorCode: Int, doneAt: Date, preferences: ReceiptPreferences) {
        let wanted = RegisteredDelivery(rawValue: correlation.registeredDelivery).wantsReceipt(delivered: state == .delivered)
        guard wanted, state.isFinal, preferences.enabled else { return }
        let pending = PendingReceipt(messageID: correlation.messageID, accountID: correlation.accountID, state: state,
                                     errorCode: errorCode, doneAt: doneAt, expiresAt: doneAt.addingTimeInterval(Double(preferences.keepSeconds)))
        send(correlation, pending: pending, alreadyStored: false)
    }

    private func send(_ correlation: Correlation, pending: PendingReceipt, alreadyStored: Bool) {
        guard let session = registry.receiver(accountID: correlation.accountID) else {
            if !alreadyStored { queue(pending, receiverMayBindMeanwhile: true) }
            return
        }
        // A stored receipt stays in the store until the client took it, so a later page or the
        // next flush run can read it again while it is on its way: that one is not sent.
        if alreadyStored, !receiptsOnTheirWay.withLockedValue({ $0.insert(pending.messageID).inserted }) { return }
        let built: (body: PDU.Body, tlvs: TLVList)
        do {
            built = try ReceiptBuilder.deliverSM(
                messageID: correlation.messageID, state: pending.state, errorCode: pending.errorCode,
                source: correlation.source, destination: correlation.destination, dataCoding: correlation.dataCoding,
                esmClass: correlation.esmClass, shortMessage: correlation.shortMessage,
                submittedAt: correlation.receivedAt, doneAt: pending.doneAt)
        } catch {
            if alreadyStored { receiptsOnTheirWay.withLockedValue { _ = $0.remove(pending.messageID) } }
            logger.error("receipt could not be built", metadata: ["id": "\(correlation.messageID)", "error": "\(error)"])
            return
        }
        session.deliver(built.body, tlvs: built.tlvs) { result in
            switch result {
            case .success(let response) where response.commandStatus == .ok:
                self.counters.withLockedValue { $0.receiptsSent += 1 }
                if alreadyStored {
                    // Off the list only once the stored copy is gone, so no flush reads it meanwhile.
                    self.committer.enqueue(.removeReceipt(pending.messageID)) { _ in
                        self.receiptsOnTheirWay.withLockedValue { _ = $0.remove(pending.messageID) }
                    }
                }
            case .success(let response):
                self.logger.notice("client refused a receipt; kept for later", metadata: [
                    "id": "\(correlation.messageID)", "status": "\(response.commandStatus)"])
                self.keptForLater(pending, alreadyStored: alreadyStored)
            case .failure(let error):
                self.logger.info("receipt not delivered; kept for later", metadata: ["id": "\(correlation.messageID)", "error": "\(error)"])
                self.keptForLater(pending, alreadyStored: alreadyStored)
            }
        }
    }

    /// A receipt the client refused or did not answer waits for the next bind.
    private func keptForLater(_ pending: PendingReceipt, alreadyStored: Bool) {
        if alreadyStored {
            receiptsOnTheirWay.withLockedValue { _ = $0.remove(pending.messageID) }
        } else {
            queue(pending, receiverMayBindMeanwhile: false)
        }
    }

    /// Stores a receipt. When it is stored because no receiver was bound, one may bind between
    /// that look and the commit, and its bind's flush may read the store before the receipt is
    /// in it: so once stored, a receiver bound by then gets the account's stored receipts,
    /// instead of this one waiting for the next bind. (Not for a receipt the client refused:
    /// sending the stored ones again at each refusal would go round in circles.)
    private func queue(_ pending: PendingReceipt, receiverMayBindMeanwhile: Bool) {
        counters.withLockedValue { $0.receiptsQueued += 1 }
        committer.enqueue(.queueReceipt(pending)) { result in
            guard receiverMayBindMeanwhile, case .success = result,
                  self.registry.receiver(accountID: pending.accountID) != nil else { return }
            Task { await self.flush(accountID: pending.accountID) }
        }
    }

    /// Sends what waited for this account: stored receipts (oldest first, expired ones dropped)
    /// and held MO messages. Called when a receiver or transceiver binds, and when a receipt is
    /// stored while one is bound. A call while the account's flush runs makes it run once more.
    public func flush(accountID: Int64) async {
        let start = flushes.withLockedValue { flushes -> Bool in
            guard flushes.running.insert(accountID).inserted else {
                flushes.again.insert(accountID)
                return false
            }
            return true
        }
        guard start else { return }
        var more = true
        while more {
            await flushStored(accountID: accountID)
            more = flushes.withLockedValue { flushes -> Bool in
                if flushes.again.remove(accountID) != nil { return true }
                flushes.running.remove(accountID)
                return false
            }
        }
    }

    private func flushStored(accountID: Int64) async {
        await flushMobileOriginated(accountID: accountID)
        var batches = 0
        // Bounded: at most 100 batches per bind; the rest goes at the next bind.
        while batches < 100 {
            batches += 1
            let pending: [PendingReceipt]
            do {
                pending = try await store.pendingReceipts(accountID: accountID, limit: 1000)
            } catch {
                logger.error("pending receipts could not be read", metadata: ["error": "\(error)"])
                return
            }
            if pending.isEmpty { return }
            let now = Date()
            var sentAny = false
            for receipt in pending {
                if receipt.expiresAt <= now {
                    counters.withLockedValue { $0.receiptsExpired += 1 }
                    committer.enqueue(.removeReceipt(receipt.messageID))
                    continue
                }
                guard let message = try? await store.message(receipt.messageID) else {
                    committer.enqueue(.removeReceipt(receipt.messageID))
                    continue
                }
                guard registry.receiver(accountID: accountID) != nil else { return }
                send(Correlation(message), pending: receipt, alreadyStored: true)
                sentAny = true
            }
            try? await committer.flush()
            // Deliveries complete asynchronously; the next page is read after they are removed.
            if !sentAny { continue }
            try? await Task.sleep(for: .milliseconds(50))
            if pending.count < 1000 { return }
        }
    }

    /// Stores an MO message for the account, then (`taken`, so the upstream may be answered)
    /// sends it to a receiver of the account if one is bound; the stored copy goes once the
    /// client has taken it, or waits for the next bind.
    public func mobileOriginated(_ message: MobileOriginatedMessage, accountID: Int64, taken: @escaping @Sendable (Bool) -> Void = { _ in }) {
        let pending = PendingMobileOriginated(id: moIDs.next(), accountID: accountID, message: message,
                                              expiresAt: Date().addingTimeInterval(Double(moKeepSeconds)))
        committer.enqueue(.queueMobileOriginated(pending)) { result in
            guard case .success = result else {
                taken(false)
                return
            }
            taken(true)
            guard let session = self.registry.receiver(accountID: accountID) else {
                self.counters.withLockedValue { $0.moHeld += 1 }
                return
            }
            self.deliver(message, accountID: accountID, session: session, stored: pending.id)
        }
    }

    /// `stored`: the id of the stored copy, removed once the client took it. A copy already on
    /// its way (a bind's flush and a new arrival can meet) is not sent twice.
    private func deliver(_ message: MobileOriginatedMessage, accountID: Int64, session: ClientSession, stored: MessageID) {
        guard moOnTheirWay.withLockedValue({ $0.insert(stored).inserted }) else { return }
        let body = DeliverSM(
            source: Address(ton: TypeOfNumber(rawValue: message.source.ton), npi: NumberingPlanIndicator(rawValue: message.source.npi), value: message.source.value),
            destination: Address(ton: TypeOfNumber(rawValue: message.destination.ton), npi: NumberingPlanIndicator(rawValue: message.destination.npi), value: message.destination.value),
            esmClass: ESMClass(rawValue: message.esmClass & 0x40),
            dataCoding: DataCoding(rawValue: message.dataCoding),
            shortMessage: ByteBuffer(bytes: message.shortMessage))
        session.deliver(.deliverSM(body)) { result in
            if case .success(let response) = result, response.commandStatus == .ok {
                self.counters.withLockedValue { $0.moSent += 1 }
                // Off the list only once the stored copy is gone, so no flush reads it meanwhile.
                self.committer.enqueue(.removeMobileOriginated(stored)) { _ in
                    self.moOnTheirWay.withLockedValue { _ = $0.remove(stored) }
                }
            } else {
                self.moOnTheirWay.withLockedValue { _ = $0.remove(stored) }
                self.logger.notice("MO not taken by the client; kept for the next bind", metadata: ["account": "\(accountID)"])
            }
        }
    }

    /// Sends the stored MO messages of the account, oldest first; expired ones are dropped.
    private func flushMobileOriginated(accountID: Int64) async {
        // Bounded: at most 100 pages per bind; the rest goes at the next bind.
        for _ in 0..<100 {
            let pending: [PendingMobileOriginated]
            do {
                pending = try await store.pendingMobileOriginated(accountID: accountID, limit: 1000)
            } catch {
                logger.error("stored MO messages could not be read", metadata: ["error": "\(error)"])
                return
            }
            if pending.isEmpty { return }
            let now = Date()
            for item in pending {
                if item.expiresAt <= now {
                    counters.withLockedValue { $0.moExpired += 1 }
                    committer.enqueue(.removeMobileOriginated(item.id))
                    continue
                }
                guard let session = registry.receiver(accountID: accountID) else { return }
                deliver(item.message, accountID: accountID, session: session, stored: item.id)
            }
            try? await committer.flush()
            if pending.count < 1000 { return }
            // Deliveries complete asynchronously; the next page is read after they are removed.
            try? await Task.sleep(for: .milliseconds(50))
        }
    }
}
