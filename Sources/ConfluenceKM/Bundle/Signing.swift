import Crypto
import Foundation

/// Ed25519 signatures of `manifest.json` (`convert --sign KEY`, `validate --verify PUBKEY`), with keys in the PEM
/// forms OpenSSL writes: `openssl genpkey -algorithm ed25519 -out key.pem` (PKCS#8) and
/// `openssl pkey -in key.pem -pubout -out pub.pem` (SubjectPublicKeyInfo).
public enum ManifestSigning {
    public static let signatureFile = "manifest.json.sig"
    static let pkcs8Prefix: [UInt8] = [0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20]
    static let spkiPrefix: [UInt8] = [0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00]

    static func der(_ pem: String, label: String, path: String) throws -> [UInt8] {
        let lines = pem.split(whereSeparator: \.isNewline).map(String.init)
        guard let begin = lines.firstIndex(of: "-----BEGIN \(label)-----"), let end = lines.firstIndex(of: "-----END \(label)-----"), begin < end,
              let data = Data(base64Encoded: lines[(begin + 1)..<end].joined()) else {
            throw ConversionError.invalidOption("\(path): not a PEM '\(label)' (make one with openssl genpkey -algorithm ed25519)")
        }
        return Array(data)
    }

    /// The raw 32-byte key inside an OpenSSL PEM file, after checking its DER prefix.
    static func rawKey(pemFile path: String, label: String, prefix: [UInt8], what: String) throws -> Data {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw ConversionError.invalidOption("\(path): cannot read the key") }
        let der = try der(text, label: label, path: path)
        guard der.count == prefix.count + 32, Array(der.prefix(prefix.count)) == prefix else {
            throw ConversionError.invalidOption("\(path): not an Ed25519 \(what)")
        }
        return Data(der.suffix(32))
    }

    public static func privateKey(pemFile path: String) throws -> Curve25519.Signing.PrivateKey {
        try Curve25519.Signing.PrivateKey(rawRepresentation: rawKey(pemFile: path, label: "PRIVATE KEY", prefix: pkcs8Prefix, what: "private key (PKCS#8)"))
    }

    public static func publicKey(pemFile path: String) throws -> Curve25519.Signing.PublicKey {
        try Curve25519.Signing.PublicKey(rawRepresentation: rawKey(pemFile: path, label: "PUBLIC KEY", prefix: spkiPrefix, what: "public key (SubjectPublicKeyInfo)"))
    }

    /// The signature file's content: base64 of the signature over the manifest's bytes, and a newline.
    public static func sign(manifest: Data, key: Curve25519.Signing.PrivateKey) throws -> Data {
        Data((try key.signature(for: manifest).base64EncodedString() + "\n").utf8)
    }

    public static func verify(manifest: Data, signature: Data, key: Curve25519.Signing.PublicKey) -> Bool {
        guard let sig = Data(base64Encoded: String(decoding: signature, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) else { return false }
        return key.isValidSignature(sig, for: manifest)
    }
}
