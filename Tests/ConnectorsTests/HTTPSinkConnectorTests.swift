import Admin
import Foundation
import Gateway
import Hummingbird
import HummingbirdTesting
import NIOCore
import NIOPosix
import Testing
@testable import Connectors
import NIOConcurrencyHelpers

@Suite("HTTPSinkConnector against a Hummingbird server on loopback", .timeLimit(.minutes(2)))
struct HTTPSinkConnectorTests {
    /// A sink with one route per behaviour; counts requests per route and keeps the last body.
    final class TestSink: Sendable {
        let hits = NIOLockedValueBox<[String: Int]>([:])
        let lastBody = NIOLockedValueBox<[UInt8]>([])

        func router() -> Router<BasicRequestContext> {
            let router = Router()
            router.post("/ok") { request, _ -> Response in
                var request = request
                let body = try await request.collectBody(upTo: 1 << 16)
                self.count("ok")
                self.lastBody.withLockedValue { $0 = Array(body.readableBytesView) }
                return Response(status: .ok, headers: [.contentType: "application/json"],
                                body: ResponseBody(byteBuffer: ByteBuffer(string: #"{"id": "up-42", "status": "queued"}"#)))
            }
            router.post("/noid") { _, _ -> Response in
                self.count("noid")
                return Response(status: .accepted)
            }
            router.post("/busy") { _, _ -> Response in
                self.count("busy")
                return Response(status: .serviceUnavailable)
            }
            router.post("/limited") { _, _ -> Response in
                self.count("limited")
                return Response(status: .tooManyRequests)
            }
            router.post("/bad") { _, _ -> Response in
                self.count("bad")
                return Response(status: .badRequest)
            }
            router.post("/slow") { _, _ -> Response in
                self.count("slow")
                try? await Task.sleep(for: .seconds(10))
                return Response(status: .ok)
            }
            return router
        }

        private func count(_ route: String) { hits.withLockedValue { $0[route, default: 0] += 1 } }
        func hits(_ route: String) -> Int { hits.withLockedValue { $0[route] ?? 0 } }
    }

    func withSink(_ body: @Sendable @escaping (TestSink, Int) async throws -> Void) async throws {
        let sink = TestSink()
        let app = Application(router: sink.router(), configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in
            let port = try #require(client.port)
            try await body(sink, port)
        }
    }

    static func connector(port: Int, path: String, retries: Int = 2, timeout: Int = 30_000) -> HTTPSinkConnector {
        HTTPSinkConnector(name: "http", settings: HTTPSinkSettings(url: "http://127.0.0.1:\(port)\(path)", timeoutMilliseconds: timeout,
                                                                  retries: retries, concurrency: 4, headers: ["X-Api-Key": "k1"]),
                          group: MultiThreadedEventLoopGroup.singleton, logger: testLogger())
    }

    @Test("2xx with an id is accepted under that id; the JSON carries the message")
    func accepted() async throws {
        try await withSink { sink, port in
            let connector = Self.connector(port: port, path: "/ok")
            try await connector.start(delegate: RecordingDelegate())
            #expect(await connector.submit(testMessage(7, text: "Hello")) == .accepted(upstreamID: "up-42"))
            let json = try #require(try JSONSerialization.jsonObject(with: Data(sink.lastBody.withLockedValue { $0 })) as? [String: Any])
            #expect(json["id"] as? String == "1000007")
            #expect(json["from"] as? String == "Tern")
            #expect(json["to"] as? String == "447700900007")
            #expect(json["text"] as? String == "Hello")
            #expect(json["hex"] as? String == "48656c6c6f")
            #expect(json["data_coding"] as? Int == 0)
            #expect(json["registered_delivery"] as? Int == 1)
            #expect(json["account"] as? String == "acme")
            // Keep-alive: ten more go over the pooled connection(s).
            for number in 0..<10 { #expect(await connector.submit(testMessage(number)) == .accepted(upstreamID: "up-42")) }
            #expect(sink.hits("ok") == 11)
            #expect(connector.health.link == .up)
            await connector.stop()
        }
    }

    @Test("2xx without an id is accepted under our id")
    func acceptedWithoutID() async throws {
        try await withSink { _, port in
            let connector = Self.connector(port: port, path: "/noid")
            try await connector.start(delegate: RecordingDelegate())
            #expect(await connector.submit(testMessage(3)) == .accepted(upstreamID: "1000003"))
            await connector.stop()
        }
    }

    @Test("503 and 429 are retried, then reported as temporary")
    func retriedThenTemporary() async throws {
        try await withSink { sink, port in
            let connector = Self.connector(port: port, path: "/busy", retries: 2)
            try await connector.start(delegate: RecordingDelegate())
            #expect(await connector.submit(testMessage(1)) == .temporaryFailure(status: 503, reason: "HTTP 503"))
            #expect(sink.hits("busy") == 3)
            await connector.stop()

            let limited = Self.connector(port: port, path: "/limited", retries: 0)
            try await limited.start(delegate: RecordingDelegate())
            #expect(await limited.submit(testMessage(1)) == .temporaryFailure(status: 429, reason: "HTTP 429"))
            #expect(sink.hits("limited") == 1)
            await limited.stop()
        }
    }

    @Test("400 is permanent and not retried")
    func permanent() async throws {
        try await withSink { sink, port in
            let connector = Self.connector(port: port, path: "/bad", retries: 2)
            try await connector.start(delegate: RecordingDelegate())
            #expect(await connector.submit(testMessage(1)) == .permanentFailure(status: 400, reason: "HTTP 400"))
            #expect(sink.hits("bad") == 1)
            await connector.stop()
        }
    }

    @Test("a response slower than the timeout is a temporary failure")
    func timeout() async throws {
        try await withSink { _, port in
            let connector = Self.connector(port: port, path: "/slow", retries: 0, timeout: 200)
            try await connector.start(delegate: RecordingDelegate())
            let started = ContinuousClock.now
            let outcome = await connector.submit(testMessage(1))
            #expect(outcome == .temporaryFailure(status: nil, reason: "HTTP timeout after 200 ms"))
            // Well under the server's 10 s: the connector gave up at its timeout, not at the answer.
            #expect(ContinuousClock.now - started < .seconds(8))
            await connector.stop()
        }
    }

    @Test("nobody listening is a temporary failure; a bad url fails start")
    func unreachable() async throws {
        let connector = Self.connector(port: 1, path: "/x", retries: 0)
        try await connector.start(delegate: RecordingDelegate())
        if case .temporaryFailure = await connector.submit(testMessage(1)) {} else { Issue.record("expected a temporary failure") }
        await connector.stop()

        let bad = HTTPSinkConnector(name: "bad", settings: HTTPSinkSettings(url: "ftp://example"), group: MultiThreadedEventLoopGroup.singleton,
                                    logger: testLogger())
        await #expect(throws: ConnectorSettingsError.self) { try await bad.start(delegate: RecordingDelegate()) }
    }

    @Test("webhook receipts parse from JSON in the usual spellings")
    func receiptParsing() throws {
        let delivered = try HTTPSinkConnector.receipt(fromJSON: Array(#"{"id": "up-42", "status": "DELIVRD", "err": 0}"#.utf8))
        #expect(delivered == UpstreamReceipt(upstreamID: "up-42", state: .delivered, errorCode: 0))
        #expect(try HTTPSinkConnector.receipt(fromJSON: Array(#"{"id": 42, "status": "delivered"}"#.utf8)).upstreamID == "42")
        let failed = try HTTPSinkConnector.receipt(fromJSON: Array(#"{"id": "a", "status": "undeliverable", "err": "034"}"#.utf8))
        #expect(failed.state == .undeliverable)
        #expect(failed.errorCode == 34)
        #expect(try HTTPSinkConnector.receipt(fromJSON: Array(#"{"id": "a", "status": "EXPIRED"}"#.utf8)).state == .expired)
        #expect(try HTTPSinkConnector.receipt(fromJSON: Array(#"{"id": "a", "status": "REJECTD"}"#.utf8)).state == .rejected)
        #expect(try HTTPSinkConnector.receipt(fromJSON: Array(#"{"id": "a", "status": "ENROUTE"}"#.utf8)).state == .submitted)
        let done = try HTTPSinkConnector.receipt(fromJSON: Array(#"{"id": "a", "status": "DELIVRD", "done_at": "2025-03-01T12:00:00Z"}"#.utf8))
        #expect(done.doneAt == Date(timeIntervalSince1970: 1_740_830_400))

        for bad in [#"not json"#, #"[1]"#, #"{"status": "DELIVRD"}"#, #"{"id": "a"}"#, #"{"id": "a", "status": "MAYBE"}"#,
                    #"{"id": "a", "status": "DELIVRD", "err": "x"}"#] {
            #expect(throws: HTTPSinkReceiptError.self) { try HTTPSinkConnector.receipt(fromJSON: Array(bad.utf8)) }
        }
    }

    @Test("deliverWebhookReceipt forwards to the delegate and returns whether the gateway kept it")
    func webhookForwarding() async throws {
        let delegate = RecordingDelegate()
        let connector = Self.connector(port: 1, path: "/")
        try await connector.start(delegate: delegate)
        #expect(await connector.deliverWebhookReceipt(UpstreamReceipt(upstreamID: "x", state: .delivered)))
        #expect(delegate.receipts.withLockedValue { $0 } == [UpstreamReceipt(upstreamID: "x", state: .delivered)])
        await connector.stop()

        let deferring = DeferringDelegate()
        let slow = Self.connector(port: 1, path: "/")
        try await slow.start(delegate: deferring)
        let kept = Task { await slow.deliverWebhookReceipt(UpstreamReceipt(upstreamID: "y", state: .delivered)) }
        #expect(await eventually { deferring.waiting.withLockedValue { $0.count } == 1 })
        deferring.complete(false)
        #expect(await kept.value == false)
        await slow.stop()
    }
}

@Suite("ReceiptWebhookRoutes")
struct ReceiptWebhookRoutesTests {
    @Test("POST /api/v1/connectors/{name}/receipts: 204, 400 for bad JSON or receipt, 404 for an unknown connector")
    func route() async throws {
        let received = NIOLockedValueBox<[UpstreamReceipt]>([])
        let router = Router()
        ReceiptWebhookRoutes { name, body in
            guard name == "sink" else { throw ReceiptWebhookError.unknownConnector(name) }
            do {
                let receipt = try HTTPSinkConnector.receipt(fromJSON: body)
                received.withLockedValue { $0.append(receipt) }
            } catch {
                throw ReceiptWebhookError.invalidReceipt("\(error)")
            }
        }.register(on: router)
        let app = Application(router: router)
        try await app.test(.router) { client in
            try await client.execute(uri: "/api/v1/connectors/sink/receipts", method: .post,
                                     body: ByteBuffer(string: #"{"id": "up-1", "status": "DELIVRD", "err": 0}"#)) { response in
                #expect(response.status == .noContent)
            }
            try await client.execute(uri: "/api/v1/connectors/sink/receipts", method: .post, body: ByteBuffer(string: "{oops")) { response in
                #expect(response.status == .badRequest)
                #expect(String(buffer: response.body).contains("JSON object"))
            }
            try await client.execute(uri: "/api/v1/connectors/sink/receipts", method: .post,
                                     body: ByteBuffer(string: #"{"id": "up-1"}"#)) { response in
                #expect(response.status == .badRequest)
                #expect(String(buffer: response.body).contains("status"))
            }
            try await client.execute(uri: "/api/v1/connectors/nobody/receipts", method: .post,
                                     body: ByteBuffer(string: #"{"id": "up-1", "status": "DELIVRD"}"#)) { response in
                #expect(response.status == .notFound)
            }
        }
        #expect(received.withLockedValue { $0 } == [UpstreamReceipt(upstreamID: "up-1", state: .delivered, errorCode: 0)])
    }
}
