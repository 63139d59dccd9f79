import Hummingbird

/// `GET /api/v1/openapi.yaml`: the API described for people and for client generators.
extension AdminAPI {
    func registerOpenAPI(on open: RouterGroup<APIContext>) {
        open.get("openapi.yaml") { _, _ -> Response in
            Response(status: .ok, headers: [.contentType: "application/yaml"],
                     body: .init(byteBuffer: ByteBuffer(string: OpenAPIDocument.yaml)))
        }
    }
}
