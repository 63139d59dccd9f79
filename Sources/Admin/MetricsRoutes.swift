import Hummingbird

/// `GET /metrics`: Prometheus' text exposition format (0.0.4), for a scraper on the admin port.
public struct MetricsRoutes: Sendable {
    public typealias Render = @Sendable () -> String

    private let render: Render

    public init(render: @escaping Render) {
        self.render = render
    }

    public func register<Context: RequestContext>(on router: Router<Context>) {
        let render = self.render
        router.get("/metrics") { _, _ -> Response in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                     body: .init(byteBuffer: ByteBuffer(string: render())))
        }
    }
}
