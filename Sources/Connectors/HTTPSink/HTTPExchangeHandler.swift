import NIOCore
import NIOHTTP1

/// One HTTP request and the promise for its response, as written into an `HTTPExchangeHandler`.
struct HTTPExchange: Sendable {
    var head: HTTPRequestHead
    var body: ByteBuffer
    var timeout: TimeAmount
    var promise: EventLoopPromise<HTTPSinkResponse>
}

/// What came back for one request.
struct HTTPSinkResponse: Sendable, Hashable {
    var status: Int
    var body: [UInt8]
    /// Whether the connection may carry the next request.
    var keepAlive: Bool
}

/// Why an HTTP exchange produced no response.
struct HTTPExchangeError: Error, Hashable, Sendable, CustomStringConvertible {
    enum Code: Hashable, Sendable { case timeout, connectionClosed, busy, tooLarge }
    var code: Code
    var description: String {
        switch code {
        case .timeout: return "no response within the timeout"
        case .connectionClosed: return "the connection closed before the response"
        case .busy: return "a request is already running on this connection"
        case .tooLarge: return "the response body is over 1 MiB"
        }
    }
}

/// Runs one request at a time on a keep-alive connection (after NIOHTTP1's client codec): writes
/// it, collects the response, and fails it on timeout or close. Event-loop confined.
final class HTTPExchangeHandler: ChannelDuplexHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundIn = HTTPExchange
    typealias OutboundOut = HTTPClientRequestPart

    /// Responses are receipts of acceptance, not content: a megabyte is far more than enough.
    static let maximumBody = 1 << 20

    private var promise: EventLoopPromise<HTTPSinkResponse>?
    private var timeoutTask: Scheduled<Void>?
    private var status = 0
    private var keepAlive = true
    private var body: [UInt8] = []

    func write(context: ChannelHandlerContext, data: NIOAny, promise writePromise: EventLoopPromise<Void>?) {
        let exchange = unwrapOutboundIn(data)
        guard promise == nil else {
            exchange.promise.fail(HTTPExchangeError(code: .busy))
            writePromise?.fail(HTTPExchangeError(code: .busy))
            return
        }
        promise = exchange.promise
        status = 0
        body.removeAll(keepingCapacity: true)
        timeoutTask = context.eventLoop.assumeIsolated().scheduleTask(in: exchange.timeout) { [self] in
            fail(HTTPExchangeError(code: .timeout))
            context.close(promise: nil)
        }
        context.write(wrapOutboundOut(.head(exchange.head)), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(exchange.body))), promise: nil)
        context.write(wrapOutboundOut(.end(nil)), promise: writePromise)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            status = Int(head.status.code)
            keepAlive = head.isKeepAlive
        case .body(let chunk):
            guard body.count + chunk.readableBytes <= Self.maximumBody else {
                fail(HTTPExchangeError(code: .tooLarge))
                context.close(promise: nil)
                return
            }
            body.append(contentsOf: chunk.readableBytesView)
        case .end:
            timeoutTask?.cancel()
            timeoutTask = nil
            let response = HTTPSinkResponse(status: status, body: body, keepAlive: keepAlive)
            let done = promise
            promise = nil
            done?.succeed(response)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        fail(HTTPExchangeError(code: .connectionClosed))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        fail(error)
        context.close(promise: nil)
    }

    private func fail(_ error: Error) {
        timeoutTask?.cancel()
        timeoutTask = nil
        let pending = promise
        promise = nil
        pending?.fail(error)
    }
}
