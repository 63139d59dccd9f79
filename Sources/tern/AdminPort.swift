import ArgumentParser
import Foundation
import Gateway

/// Where a running server's HTTP port is, from the config it runs with: for the commands that
/// talk to it (`tern reload`, `tern metrics`). Problems go to standard error and exit 1.
enum AdminPort {
    static func settings(_ path: String) throws -> TernConfig {
        do {
            return try TernConfig.load(path: path)
        } catch {
            FileHandle.standardError.write(Data("\(error)\n".utf8))
            throw ExitCode(1)
        }
    }

    /// Sends a request to the running server, with `token` or else the local admin token.
    static func request(_ method: String, path: String, config: TernConfig, command: String, token: String? = nil,
                        body: Data? = nil) throws -> (status: Int, body: String) {
        guard let http = config.server.http else {
            FileHandle.standardError.write(Data("tern \(command): [server] http is off in \(config.sourceFile)\n".utf8))
            throw ExitCode(1)
        }
        var headers: [(String, String)] = []
        if let token = token ?? ProcessInfo.processInfo.environment["TERN_TOKEN"] ?? LocalAdminToken.read(dataDirectory: config.server.dataDirectory) {
            headers.append(("Authorization", "Bearer \(token)"))
        }
        if body != nil { headers.append(("Content-Type", "application/json")) }
        do {
            return try LocalHTTP.request(method, host: http.host, port: http.port, path: path, headers: headers, body: body)
        } catch {
            FileHandle.standardError.write(Data("tern \(command): \(error)\n".utf8))
            throw ExitCode(1)
        }
    }
}
