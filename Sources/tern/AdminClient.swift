import ArgumentParser
import Foundation
import Gateway

/// How `tern admin` reaches a running server: the config names its HTTP port and data
/// directory (where the local admin token is); `--token` or `TERN_TOKEN` act as another
/// account instead.
struct AdminConnection: ParsableArguments {
    @Option(name: .shortAndLong, help: "The config file of the running server.")
    var config = "etc/tern.toml"

    @Option(help: "An API token to act as (default: $TERN_TOKEN, else the server's local admin token in var/admin.token).")
    var token: String?

    @Flag(help: "Print the API's JSON instead of text.")
    var json = false

    func settings() throws -> TernConfig { try AdminPort.settings(config) }

    /// The same connection, returning JSON instead of printing it (for a lookup before a change).
    func quietly() -> AdminConnection {
        var copy = self
        copy.json = false
        return copy
    }

    /// Sends one API call; a 4xx/5xx answer is printed to standard error and exits 1.
    func call(_ method: String, _ path: String, body: [String: Any]? = nil, command: String) throws -> Any {
        let data = try body.map { try JSONSerialization.data(withJSONObject: $0, options: [.sortedKeys]) }
        let answer = try AdminPort.request(method, path: path, config: try settings(), command: command, token: token, body: data)
        guard (200..<300).contains(answer.status) else {
            let message = (try? JSONSerialization.jsonObject(with: Data(answer.body.utf8)) as? [String: Any])
                .flatMap { ($0["error"] as? [String: Any])?["message"] as? String } ?? answer.body
            FileHandle.standardError.write(Data("tern \(command): \(answer.status): \(message)\n".utf8))
            throw ExitCode(1)
        }
        if json {
            print(answer.body.isEmpty ? "{}" : answer.body)
            return [String: Any]()
        }
        if answer.body.isEmpty { return [String: Any]() }
        return (try? JSONSerialization.jsonObject(with: Data(answer.body.utf8))) ?? [String: Any]()
    }

    /// Whether a server answers on the config's HTTP port (the accounts commands fall back to
    /// the store file when none does).
    func serverAnswers() -> Bool {
        guard let settings = try? settings(), let http = settings.server.http else { return false }
        return (try? LocalHTTP.request("GET", host: http.host, port: http.port, path: "/api/v1/openapi.yaml", timeoutSeconds: 5)) != nil
    }
}

/// Query strings from optional values.
func queryString(_ pairs: [(String, String?)]) -> String {
    let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))
    let parts = pairs.compactMap { name, value in
        value.map { "\(name)=\($0.addingPercentEncoding(withAllowedCharacters: allowed) ?? $0)" }
    }
    return parts.isEmpty ? "" : "?" + parts.joined(separator: "&")
}

func pathComponent(_ text: String) -> String {
    text.addingPercentEncoding(withAllowedCharacters: CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? text
}

/// Reads a field of an API answer as text for the table views.
func field(_ object: Any?, _ key: String) -> String {
    guard let dictionary = object as? [String: Any], let value = dictionary[key], !(value is NSNull) else { return "-" }
    if let flag = value as? Bool, "\(type(of: value))".contains("Bool") { return flag ? "yes" : "no" }
    if let number = value as? NSNumber { return number.stringValue }
    if let list = value as? [Any] { return list.isEmpty ? "-" : list.map { "\($0)" }.joined(separator: ",") }
    return "\(value)"
}
