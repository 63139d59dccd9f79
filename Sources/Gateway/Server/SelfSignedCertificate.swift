import Crypto
import Foundation
import NIOSSL
import SwiftASN1
import X509

/// The TLS identity of the SMPP TLS listener: the configured PEM files, or a self-signed
/// certificate made on first start under the data directory (and reused afterwards).
public enum TLSIdentity {
    public struct Loaded: Sendable {
        public var context: NIOSSLContext
        /// SHA-256 of the certificate (DER), as colon-separated hex: what a client pins.
        public var fingerprint: String
        public var certificatePath: String
        public var generated: Bool
    }

    public enum IdentityError: Error, CustomStringConvertible {
        case unreadable(String, any Error)

        public var description: String {
            switch self {
            case .unreadable(let path, let error): return "\(path): cannot read the TLS certificate or key: \(error)"
            }
        }
    }

    public static func load(settings: ServerSettings) throws -> Loaded {
        var certificatePath = settings.tlsCertificate ?? ""
        var keyPath = settings.tlsKey ?? ""
        var generated = false
        if certificatePath.isEmpty || keyPath.isEmpty {
            certificatePath = settings.dataDirectory + "/tls/tern-selfsigned.pem"
            keyPath = settings.dataDirectory + "/tls/tern-selfsigned.key"
            if !FileManager.default.fileExists(atPath: certificatePath) || !FileManager.default.fileExists(atPath: keyPath) {
                try generate(certificatePath: certificatePath, keyPath: keyPath)
                generated = true
            }
        }
        do {
            let chain = try NIOSSLCertificate.fromPEMFile(certificatePath)
            let key = try NIOSSLPrivateKey(file: keyPath, format: .pem)
            var configuration = TLSConfiguration.makeServerConfiguration(
                certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
            configuration.minimumTLSVersion = .tlsv12
            let context = try NIOSSLContext(configuration: configuration)
            let der = try chain.first.map { try $0.toDERBytes() } ?? []
            let fingerprint = SHA256.hash(data: der).map { String(format: "%02X", $0) }.joined(separator: ":")
            return Loaded(context: context, fingerprint: fingerprint, certificatePath: certificatePath, generated: generated)
        } catch {
            throw IdentityError.unreadable(certificatePath, error)
        }
    }

    /// Writes a P-256 key and a certificate for `localhost` valid for ten years, key readable by
    /// the owner only.
    public static func generate(certificatePath: String, keyPath: String) throws {
        let key = P256.Signing.PrivateKey()
        let name = try DistinguishedName {
            CommonName("Tern SMPP gateway (self-signed)")
            OrganizationName("Tern")
        }
        let now = Date()
        let certificate = try Certificate(
            version: .v3,
            serialNumber: Certificate.SerialNumber(),
            publicKey: .init(key.publicKey),
            notValidBefore: now.addingTimeInterval(-3600),
            notValidAfter: now.addingTimeInterval(10 * 365 * 86_400),
            issuer: name,
            subject: name,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                SubjectAlternativeNames([.dnsName("localhost"), .ipAddress(ASN1OctetString(contentBytes: [127, 0, 0, 1]))])
            },
            issuerPrivateKey: .init(key))
        var serializer = DER.Serializer()
        try serializer.serialize(certificate)
        let certificatePEM = PEMDocument(type: "CERTIFICATE", derBytes: serializer.serializedBytes).pemString
        let directory = (certificatePath as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try Data((certificatePEM + "\n").utf8).write(to: URL(fileURLWithPath: certificatePath))
        let keyURL = URL(fileURLWithPath: keyPath)
        try Data((key.pemRepresentation + "\n").utf8).write(to: keyURL)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: keyPath)
    }
}
