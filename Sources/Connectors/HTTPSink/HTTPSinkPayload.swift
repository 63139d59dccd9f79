import Foundation
import Gateway
import SMPP

/// The JSON body an HTTP sink receives for one message.
struct HTTPSinkPayload: Encodable, Sendable {
    var id: String
    var from: String
    var to: String
    var dataCoding: Int
    /// The decoded text, for the codings that are text (GSM 7-bit, IA5, Latin-1, UCS-2).
    var text: String?
    /// short_message as sent, in hex, so binary and unknown codings survive.
    var hex: String
    var registeredDelivery: Int
    var account: String

    enum CodingKeys: String, CodingKey {
        case id, from, to, text, hex, account
        case dataCoding = "data_coding"
        case registeredDelivery = "registered_delivery"
    }

    init(_ message: Message) {
        id = message.id.description
        from = message.source.value
        to = message.destination.value
        dataCoding = Int(message.dataCoding)
        hex = hexString(message.shortMessage)
        registeredDelivery = Int(message.registeredDelivery)
        account = message.systemID
        text = Self.text(of: message)
    }

    static func text(of message: Message) -> String? {
        let coding = DataCoding(rawValue: message.dataCoding)
        switch coding.alphabet {
        case .gsm7, .ascii, .latin1, .ucs2: break
        case .binary, .other: return nil
        }
        var userData = message.shortMessage[...]
        if ESMClass(rawValue: message.esmClass).hasUDH {
            // UDHL counts the header octets after itself.
            guard let length = userData.first, userData.count > Int(length) else { return nil }
            userData = userData.dropFirst(1 + Int(length))
        }
        return try? TextDecoder().decode(userData, dataCoding: coding)
    }

    func encoded() -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding a struct of strings and integers cannot fail.
        return (try? Array(encoder.encode(self))) ?? Array("{}".utf8)
    }
}

/// A receipt posted to Tern's webhook that cannot be read; the sentence says which field.
public struct HTTPSinkReceiptError: Error, Hashable, Sendable, CustomStringConvertible {
    public var reason: String
    public init(reason: String) { self.reason = reason }
    public var description: String { "receipt webhook: \(reason)" }
}

extension HTTPSinkConnector {
    /// Reads a receipt posted by an HTTP sink: `{"id": "...", "status": "DELIVRD", "err": 0}`.
    ///
    /// `status` takes the SMPP receipt words (`DELIVRD`, `UNDELIV`, …), the full names in any case
    /// (`delivered`, `undeliverable`), or Tern's lifecycle names; `err` a number or a string of
    /// digits (default 0); `done_at`, optional, an ISO 8601 time or seconds since 1970.
    public static func receipt(fromJSON body: [UInt8]) throws -> UpstreamReceipt {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: Data(body))
        } catch {
            throw HTTPSinkReceiptError(reason: "the body is not JSON")
        }
        guard let fields = object as? [String: Any] else {
            throw HTTPSinkReceiptError(reason: "the body must be a JSON object")
        }
        guard let id = scalarString(fields["id"]), !id.isEmpty else {
            throw HTTPSinkReceiptError(reason: "\"id\" is missing or empty")
        }
        guard let statusText = fields["status"] as? String else {
            throw HTTPSinkReceiptError(reason: "\"status\" is missing or not a string")
        }
        let state: MessageLifecycle
        if let smppState = MessageState(receiptStat: statusText) {
            state = UpstreamPDUMapping.lifecycle(smppState)
        } else if let lifecycle = MessageLifecycle.allCases.first(where: { $0.rawValue.lowercased() == statusText.lowercased() }) {
            state = lifecycle
        } else {
            throw HTTPSinkReceiptError(reason: "\"status\" \"\(statusText)\" is not a receipt state (DELIVRD, UNDELIV, EXPIRED, REJECTD, …)")
        }
        var errorCode = 0
        if let err = fields["err"], !(err is NSNull) {
            guard let text = scalarString(err), let value = Int(text) else {
                throw HTTPSinkReceiptError(reason: "\"err\" must be a whole number")
            }
            errorCode = value
        }
        var doneAt: Date?
        if let done = fields["done_at"], !(done is NSNull) {
            if let text = done as? String, let date = ISO8601DateFormatter().date(from: text) {
                doneAt = date
            } else if let seconds = done as? NSNumber, !(done is String) {
                doneAt = Date(timeIntervalSince1970: seconds.doubleValue)
            } else {
                throw HTTPSinkReceiptError(reason: "\"done_at\" must be an ISO 8601 time or seconds since 1970")
            }
        }
        return UpstreamReceipt(upstreamID: id, state: state, errorCode: errorCode, doneAt: doneAt)
    }

    /// A JSON string or number as text (ids are often numbers in JSON).
    static func scalarString(_ value: Any?) -> String? {
        if let text = value as? String { return text }
        if let number = value as? NSNumber {
            let whole = number.int64Value
            return Double(whole) == number.doubleValue ? String(whole) : nil
        }
        return nil
    }
}
