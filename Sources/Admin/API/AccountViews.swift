import Foundation
import Gateway
import Hummingbird

/// An account as the API shows it: never a password or token hash.
struct AccountView: ResponseCodable {
    var systemId: String
    var name: String
    var role: String
    var enabled: Bool
    var reseller: String?
    var balance: Int
    var maxBinds: Int
    var throughput: Int?
    var allowedNetworks: [String]
    var allowedSenders: [String]
    var policy: String?
    var receipts: ReceiptsView
    var pricePlan: PricePlan?
    var canLogIn: Bool

    struct ReceiptsView: Codable {
        var enabled: Bool
        var keepHours: Int
    }

    init(_ account: Account, reseller: String?, balance: Int) {
        systemId = account.systemID
        name = account.name
        role = account.role.rawValue
        enabled = account.enabled
        self.reseller = reseller
        self.balance = balance
        maxBinds = account.maxBinds
        throughput = account.throughput
        allowedNetworks = account.allowedNetworks.map(\.description)
        allowedSenders = account.allowedSenders
        policy = account.policy
        receipts = ReceiptsView(enabled: account.receipts.enabled, keepHours: account.receipts.keepSeconds / 3600)
        pricePlan = account.pricePlan
        canLogIn = account.loginPasswordHash != nil
    }
}

/// The body of `POST /api/v1/accounts` and `PATCH /api/v1/accounts/{system_id}`: every field
/// optional in a change; `system_id` and `password` required to create.
struct AccountRequest: Decodable {
    var systemId: String?
    var password: String?
    var loginPassword: String?
    var name: String?
    var role: String?
    var reseller: String?
    var enabled: Bool?
    var maxBinds: Int?
    var throughput: Int?
    var allowedNetworks: [String]?
    var allowedSenders: [String]?
    var policy: String?
    var receipts: ReceiptsRequest?
    var pricePlan: PricePlan?
    /// `"price_plan": null` clears the plan; an absent key keeps it.
    var clearsPricePlan = false
    var clearsThroughput = false
    var clearsPolicy = false

    struct ReceiptsRequest: Decodable {
        var enabled: Bool?
        var keepHours: Int?
    }

    enum CodingKeys: String, CodingKey {
        case systemId, password, loginPassword, name, role, reseller, enabled, maxBinds, throughput, allowedNetworks
        case allowedSenders, policy, receipts, pricePlan
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        systemId = try container.decodeIfPresent(String.self, forKey: .systemId)
        password = try container.decodeIfPresent(String.self, forKey: .password)
        loginPassword = try container.decodeIfPresent(String.self, forKey: .loginPassword)
        name = try container.decodeIfPresent(String.self, forKey: .name)
        role = try container.decodeIfPresent(String.self, forKey: .role)
        reseller = try container.decodeIfPresent(String.self, forKey: .reseller)
        enabled = try container.decodeIfPresent(Bool.self, forKey: .enabled)
        maxBinds = try container.decodeIfPresent(Int.self, forKey: .maxBinds)
        throughput = try container.decodeIfPresent(Int.self, forKey: .throughput)
        allowedNetworks = try container.decodeIfPresent([String].self, forKey: .allowedNetworks)
        allowedSenders = try container.decodeIfPresent([String].self, forKey: .allowedSenders)
        policy = try container.decodeIfPresent(String.self, forKey: .policy)
        receipts = try container.decodeIfPresent(ReceiptsRequest.self, forKey: .receipts)
        pricePlan = try container.decodeIfPresent(PricePlan.self, forKey: .pricePlan)
        clearsPricePlan = try container.contains(.pricePlan) && container.decodeNil(forKey: .pricePlan)
        clearsThroughput = try container.contains(.throughput) && container.decodeNil(forKey: .throughput)
        clearsPolicy = try container.contains(.policy) && container.decodeNil(forKey: .policy)
    }
}

/// SMPP's limits on credentials (SMPP 3.4 §5.2.1, §5.2.2), and ours on login passwords.
enum CredentialRules {
    static func checkSystemID(_ systemID: String) throws {
        guard !systemID.isEmpty else { throw HTTPError(.badRequest, message: "system_id must not be empty") }
        guard systemID.utf8.count <= 15 else {
            throw HTTPError(.badRequest, message: "system_id \"\(systemID)\" has \(systemID.utf8.count) characters; SMPP allows at most 15")
        }
        guard systemID.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            throw HTTPError(.badRequest, message: "system_id must be printable ASCII without spaces (SMPP clients send it as a C-octet string)")
        }
    }

    static func checkSMPPPassword(_ password: String) throws {
        guard !password.isEmpty else { throw HTTPError(.badRequest, message: "password must not be empty") }
        guard password.utf8.count <= 8 else {
            throw HTTPError(.badRequest, message: "password has \(password.utf8.count) characters; SMPP 3.4 clients send at most 8, so a longer one could never bind")
        }
        guard password.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) else {
            throw HTTPError(.badRequest, message: "password must be printable ASCII (SMPP clients send it as a C-octet string)")
        }
    }

    static func checkLoginPassword(_ password: String) throws {
        guard password.count >= 10 else {
            throw HTTPError(.badRequest, message: "login_password must have at least 10 characters (it guards the web login, not an SMPP bind)")
        }
    }
}
