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

    static func request(_ method: String, path: String, config: TernConfig, command: String) throws -> (status: Int, body: String) {
        guard let http = config.server.http else {
            FileHandle.standardError.write(Data("tern \(command): [server] http is off in \(config.sourceFile)\n".utf8))
            throw ExitCode(1)
        }
        do {
            return try LocalHTTP.request(method, host: http.host, port: http.port, path: path)
        } catch {
            FileHandle.standardError.write(Data("tern \(command): \(error)\n".utf8))
            throw ExitCode(1)
        }
    }
}
