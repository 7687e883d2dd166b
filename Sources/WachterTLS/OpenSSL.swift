internal import COpenSSL
import Foundation

// The only file of WachterTLS that calls OpenSSL (libssl, libcrypto). Each OpenSSL
// resource has one owner here that frees it in `deinit` or in a `defer` next to its
// allocation; what leaves this file is Swift values. OpenSSL's error queue is per
// thread: every operation clears it first, so a stale error never explains a new one.

/// One X.509 certificate (OpenSSL's `X509`), freed with X509_free(3).
///
/// Not Sendable: a certificate is made, examined and freed on the worker thread of
/// one check; only the Swift values read from it leave that thread.
@safe final class Certificate {
    fileprivate let pointer: OpaquePointer

    /// Takes ownership of one reference to `pointer`.
    fileprivate init(owning pointer: OpaquePointer) {
        unsafe self.pointer = pointer
    }

    deinit {
        unsafe X509_free(pointer)
    }

    /// Why a PEM file gave no certificates.
    enum ReadFailure: Error {
        /// BIO_new_file(3) could not open the file; the text says why.
        case unreadable(String)
        /// The file holds no PEM certificate.
        case noCertificate
    }

    /// Reads every PEM certificate in a file (PEM_read_bio_X509(3)), in file order.
    ///
    /// - Parameter path: A PEM file, such as a site's `fullchain.pem`.
    /// - Returns: At least one certificate.
    /// - Throws: `ReadFailure`.
    static func readPEMFile(_ path: String) throws(ReadFailure) -> [Certificate] {
        ERR_clear_error()
        guard let bio = unsafe BIO_new_file(path, "r") else {
            throw .unreadable(OpenSSLError.drainQueue() ?? "cannot open the file")
        }
        defer { unsafe BIO_free(bio) }
        var certificates: [Certificate] = []
        while let x509 = unsafe PEM_read_bio_X509(bio, nil, nil, nil) {
            certificates.append(unsafe Certificate(owning: x509))
        }
        // The loop ends with PEM_R_NO_START_LINE at the end of the file.
        ERR_clear_error()
        guard !certificates.isEmpty else { throw .noCertificate }
        return certificates
    }

    /// The start of the validity period (X509_get0_notBefore(3)).
    var notBefore: Date? {
        unsafe Self.date(of: X509_get0_notBefore(pointer))
    }

    /// The end of the validity period (X509_get0_notAfter(3)).
    var notAfter: Date? {
        unsafe Self.date(of: X509_get0_notAfter(pointer))
    }

    /// The subject name in RFC 2253 form (X509_NAME_print_ex(3)), such as `CN=www.example.com,O=Example`.
    var subject: String {
        unsafe Self.nameText(X509_get_subject_name(pointer))
    }

    /// The issuer name in RFC 2253 form.
    var issuer: String {
        unsafe Self.nameText(X509_get_issuer_name(pointer))
    }

    /// The DNS names of the subjectAltName extension (X509_get_ext_d2i(3), GEN_DNS);
    /// nil when the certificate has no such extension.
    var dnsNames: [String]? {
        guard let raw = unsafe X509_get_ext_d2i(pointer, NID_subject_alt_name, nil, nil) else { return nil }
        let names = OpaquePointer(raw)
        defer { unsafe GENERAL_NAMES_free(names) }
        var result: [String] = []
        let count = unsafe wachter_sk_GENERAL_NAME_num(names)
        for index in 0..<count {
            guard let name = unsafe wachter_sk_GENERAL_NAME_value(names, index), unsafe name.pointee.type == GEN_DNS,
                let string = unsafe name.pointee.d.dNSName
            else { continue }
            result.append(unsafe Self.text(of: string))
        }
        return result
    }

    /// The kind and size of the public key (EVP_PKEY_get_base_id(3), EVP_PKEY_get_bits(3)).
    var publicKey: PublicKeyInfo {
        guard let key = unsafe X509_get0_pubkey(pointer) else { return PublicKeyInfo(algorithm: .other, bits: 0) }
        let bits = Int(unsafe EVP_PKEY_get_bits(key))
        let algorithm: PublicKeyInfo.Algorithm
        switch unsafe EVP_PKEY_get_base_id(key) {
        case EVP_PKEY_RSA, EVP_PKEY_RSA_PSS: algorithm = .rsa
        case EVP_PKEY_EC: algorithm = .ec
        case EVP_PKEY_DSA: algorithm = .dsa
        case EVP_PKEY_ED25519, EVP_PKEY_ED448: algorithm = .edwards
        default: algorithm = .other
        }
        return PublicKeyInfo(algorithm: algorithm, bits: bits)
    }

    /// The signature algorithm (X509_get_signature_info(3)) and its digest.
    var signature: SignatureInfo {
        var digestNID: Int32 = 0
        var keyNID: Int32 = 0
        var securityBits: Int32 = 0
        var flags: UInt32 = 0
        _ = unsafe X509_get_signature_info(pointer, &digestNID, &keyNID, &securityBits, &flags)
        let name = unsafe OBJ_nid2ln(X509_get_signature_nid(pointer)).map { unsafe String(cString: $0) } ?? "unknown"
        let digest = unsafe OBJ_nid2sn(digestNID).map { unsafe String(cString: $0) }
        let weak =
            digestNID == NID_sha1 || digestNID == NID_md5 || digestNID == NID_md4 || digestNID == NID_md2
            || digestNID == NID_md5_sha1
        return SignatureInfo(algorithm: name, digest: digestNID == NID_undef ? nil : digest, isWeak: weak)
    }

    /// The SHA-256 fingerprint of the DER encoding (X509_digest(3)), in lowercase hex.
    var sha256Fingerprint: String {
        var buffer = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let ok = unsafe buffer.withUnsafeMutableBufferPointer { bytes in
            unsafe X509_digest(pointer, EVP_sha256(), bytes.baseAddress, &length)
        }
        guard ok == 1 else { return "" }
        return buffer.prefix(Int(length)).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }

    /// Whether the certificate names itself as issuer and its signature verifies
    /// with its own key (X509_check_issued(3) on itself).
    var isSelfSigned: Bool {
        unsafe X509_check_issued(pointer, pointer) == X509_V_OK
    }

    /// Whether the certificate is valid for `host` by RFC 6125 (X509_check_host(3)):
    /// subjectAltName DNS names only, never the subject's common name
    /// (X509_CHECK_FLAG_NEVER_CHECK_SUBJECT), and a wildcard only as a whole
    /// left-most label (X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS).
    func matches(host: String) -> Bool {
        ERR_clear_error()
        let flags = UInt32(X509_CHECK_FLAG_NEVER_CHECK_SUBJECT | X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS)
        return unsafe X509_check_host(pointer, host, host.utf8.count, flags, nil) == 1
    }

    /// What comparing the certificate with a private key file found.
    enum KeyComparison {
        /// The key is the certificate's.
        case matches
        /// The key belongs to another certificate.
        case mismatch
        /// The file could not be opened; the text says why.
        case unreadable(String)
        /// The file holds no unencrypted PEM private key.
        case notAKey
    }

    /// Compares the certificate's public key with the private key in a PEM file
    /// (PEM_read_bio_PrivateKey(3), X509_check_private_key(3)).
    ///
    /// The key is read by OpenSSL straight from the file and freed at once, so its
    /// bytes never pass through Swift memory. An encrypted key is reported as
    /// `notAKey`: the passphrase callback refuses, so OpenSSL never prompts.
    func compare(privateKeyFile path: String) -> KeyComparison {
        ERR_clear_error()
        guard let bio = unsafe BIO_new_file(path, "r") else {
            return .unreadable(OpenSSLError.drainQueue() ?? "cannot open the file")
        }
        defer { unsafe BIO_free(bio) }
        let refusePassphrase: @convention(c) (UnsafeMutablePointer<CChar>?, Int32, Int32, UnsafeMutableRawPointer?) -> Int32 = {
            _, _, _, _ in -1
        }
        guard let key = unsafe PEM_read_bio_PrivateKey(bio, nil, refusePassphrase, nil) else {
            ERR_clear_error()
            return .notAKey
        }
        defer { unsafe EVP_PKEY_free(key) }
        let result = unsafe X509_check_private_key(pointer, key)
        ERR_clear_error()
        return result == 1 ? .matches : .mismatch
    }

    /// ASN1_TIME_diff(3) from the Unix epoch to `time`, as a Date.
    fileprivate static func date(of time: UnsafePointer<ASN1_TIME>?) -> Date? {
        guard let time = unsafe time, let epoch = unsafe ASN1_TIME_set(nil, 0) else { return nil }
        defer { unsafe ASN1_TIME_free(epoch) }
        var days: Int32 = 0
        var seconds: Int32 = 0
        guard unsafe ASN1_TIME_diff(&days, &seconds, epoch, time) == 1 else { return nil }
        return Date(timeIntervalSince1970: Double(days) * 86_400 + Double(seconds))
    }

    /// X509_NAME_print_ex(3) with XN_FLAG_RFC2253, keeping UTF-8 as it is.
    private static func nameText(_ name: OpaquePointer?) -> String {
        guard let name = unsafe name, let bio = unsafe BIO_new(BIO_s_mem()) else { return "" }
        defer { unsafe BIO_free(bio) }
        let flags = wachter_XN_FLAG_RFC2253_UTF8()
        guard unsafe X509_NAME_print_ex(bio, name, 0, flags) >= 0 else { return "" }
        return unsafe OpenSSLError.readAll(bio)
    }

    /// The bytes of an ASN1_STRING as text (ASN1_STRING_get0_data(3)).
    fileprivate static func text(of string: UnsafeMutablePointer<ASN1_STRING>) -> String {
        let length = Int(unsafe ASN1_STRING_length(string))
        guard let data = unsafe ASN1_STRING_get0_data(string), length > 0 else { return "" }
        let bytes = unsafe UnsafeBufferPointer(start: data, count: length)
        return String(decoding: unsafe Array(bytes), as: UTF8.self)
    }
}

extension Certificate {
    /// The OCSP responder URLs of the Authority Information Access extension (X509_get1_ocsp(3)).
    var ocspURLs: [String] {
        guard let stack = unsafe X509_get1_ocsp(pointer) else { return [] }
        defer { unsafe X509_email_free(stack) }
        var urls: [String] = []
        let count = unsafe wachter_sk_OPENSSL_STRING_num(stack)
        for index in 0..<count {
            if let url = unsafe wachter_sk_OPENSSL_STRING_value(stack, index) { urls.append(unsafe String(cString: url)) }
        }
        return urls
    }

    /// The URIs of the CRL distribution points' full names (X509_get_ext_d2i(3),
    /// NID_crl_distribution_points, GEN_URI).
    var crlURLs: [String] {
        guard let raw = unsafe X509_get_ext_d2i(pointer, NID_crl_distribution_points, nil, nil) else { return [] }
        let points = OpaquePointer(raw)
        defer { unsafe CRL_DIST_POINTS_free(points) }
        var urls: [String] = []
        let count = unsafe wachter_sk_DIST_POINT_num(points)
        for index in 0..<count {
            // A distribution point's name is a full name (type 0) or a name relative to the issuer.
            guard let point = unsafe wachter_sk_DIST_POINT_value(points, index), let name = unsafe point.pointee.distpoint,
                unsafe name.pointee.type == 0, let names = unsafe name.pointee.name.fullname
            else { continue }
            let entries = unsafe wachter_sk_GENERAL_NAME_num(names)
            for entry in 0..<entries {
                guard let general = unsafe wachter_sk_GENERAL_NAME_value(names, entry), unsafe general.pointee.type == GEN_URI,
                    let uri = unsafe general.pointee.d.uniformResourceIdentifier
                else { continue }
                urls.append(unsafe Self.text(of: uri))
            }
        }
        return urls
    }

    /// Whether `issuer` issued this certificate: names, key identifiers and the
    /// signature (X509_check_issued(3)).
    func isIssued(by issuer: Certificate) -> Bool {
        unsafe X509_check_issued(issuer.pointer, pointer) == X509_V_OK
    }
}

/// An OCSP request for one certificate, and the judging of answers to it
/// (OCSP_cert_to_id(3), OCSP_request_add0_id(3), OCSP_basic_verify(3),
/// OCSP_resp_find_status(3)).
///
/// Not Sendable: made and used on the worker thread of one check.
@safe final class OCSPQuery {
    private let id: OpaquePointer
    private let issuer: Certificate

    /// The CertID of `leaf` (SHA-1 of the issuer's name and key, and the serial),
    /// or nil when OpenSSL cannot make one.
    init?(leaf: Certificate, issuer: Certificate) {
        ERR_clear_error()
        guard let id = unsafe OCSP_cert_to_id(nil, leaf.pointer, issuer.pointer) else {
            ERR_clear_error()
            return nil
        }
        unsafe self.id = id
        self.issuer = issuer
    }

    deinit {
        unsafe OCSP_CERTID_free(id)
    }

    /// The DER of the CertID (i2d_OCSP_CERTID(3)): a cache key for answers to it.
    var idDER: [UInt8] {
        unsafe OpenSSLBytes.encode { unsafe i2d_OCSP_CERTID(id, $0) }
    }

    /// The DER of a request for this one certificate, without a nonce, so that
    /// responders may answer from their cache (RFC 5019) and answers can be cached here.
    var requestDER: [UInt8] {
        ERR_clear_error()
        guard let request = unsafe OCSP_REQUEST_new() else { return [] }
        defer { unsafe OCSP_REQUEST_free(request) }
        guard let copy = unsafe OCSP_CERTID_dup(id) else { return [] }
        // add0: the request takes over the copy.
        guard unsafe OCSP_request_add0_id(request, copy) != nil else {
            unsafe OCSP_CERTID_free(copy)
            return []
        }
        return unsafe OpenSSLBytes.encode { unsafe i2d_OCSP_REQUEST(request, $0) }
    }

    /// What an OCSP response says about the certificate.
    enum Answer: Equatable {
        /// Fresh, verified and good.
        case good(thisUpdate: Date?, nextUpdate: Date?)
        /// Fresh, verified and revoked, with the RFC 5280 reason's name.
        case revoked(reason: String?, at: Date?, thisUpdate: Date?, nextUpdate: Date?)
        /// Fresh and verified, but the responder does not know the certificate.
        case unknown(thisUpdate: Date?, nextUpdate: Date?)
        /// Not to be believed: the text says why (unreadable, an error status, a bad
        /// signature, another certificate, stale).
        case invalid(String)
    }

    /// Judges a DER OCSP response (d2i_OCSP_RESPONSE(3)): its status, its signature
    /// (OCSP_basic_verify(3): a response is signed by the issuer's key, or by a
    /// responder the issuer delegated to with the OCSPSigning purpose, whose
    /// certificate is verified against `trust`), this certificate's
    /// entry, and its freshness at `now`: thisUpdate not in the future and
    /// nextUpdate not past, each with five minutes' leeway. A response without
    /// nextUpdate is fresh for a day after its thisUpdate.
    func judge(response bytes: [UInt8], trust: TrustStore, now: Date) -> Answer {
        ERR_clear_error()
        defer { ERR_clear_error() }
        let response: OpaquePointer? = unsafe bytes.withUnsafeBufferPointer { buffer in
            var cursor = buffer.baseAddress
            return unsafe d2i_OCSP_RESPONSE(nil, &cursor, buffer.count)
        }
        guard let response = unsafe response else { return .invalid("the OCSP response cannot be read") }
        defer { unsafe OCSP_RESPONSE_free(response) }
        let status = unsafe OCSP_response_status(response)
        guard status == OCSP_RESPONSE_STATUS_SUCCESSFUL else {
            let text = unsafe String(cString: OCSP_response_status_str(Int(status)))
            return .invalid("the OCSP responder answered '\(text)'")
        }
        guard let basic = unsafe OCSP_response_get1_basic(response) else {
            return .invalid("the OCSP response holds no basic response")
        }
        defer { unsafe OCSP_BASICRESP_free(basic) }
        guard let untrusted = unsafe wachter_sk_X509_new_null() else { return .invalid("out of memory") }
        defer { unsafe OPENSSL_sk_free(untrusted) }
        _ = unsafe wachter_sk_X509_push(untrusted, issuer.pointer)
        // OCSP_TRUSTOTHER: a response signed by the issuer itself (found among
        // `untrusted` by its responder id) needs no chain of its own: the issuer's
        // key is the authority for its certificates, and the issuer's own chain is
        // judged with the served chain. A delegated responder's certificate (sent
        // in the response) still gets the full verification against `trust`, with
        // the OCSPSigning purpose and the issuer check.
        guard unsafe OCSP_basic_verify(basic, untrusted, trust.pointer, UInt(OCSP_TRUSTOTHER)) == 1 else {
            let detail = OpenSSLError.drainQueue() ?? "the signature does not verify"
            return .invalid("the OCSP response is not signed by the issuer or its responder (\(detail))")
        }
        var state: Int32 = -1
        var reason: Int32 = -1
        var revokedAt: UnsafeMutablePointer<ASN1_GENERALIZEDTIME>? = nil
        var thisUpdate: UnsafeMutablePointer<ASN1_GENERALIZEDTIME>? = nil
        var nextUpdate: UnsafeMutablePointer<ASN1_GENERALIZEDTIME>? = nil
        guard
            unsafe OCSP_resp_find_status(basic, id, &state, &reason, &revokedAt, &thisUpdate, &nextUpdate) == 1
        else { return .invalid("the OCSP response does not cover this certificate") }
        let this = unsafe Self.date(thisUpdate)
        let next = unsafe Self.date(nextUpdate)
        let leeway: TimeInterval = 300
        if let this, this > now.addingTimeInterval(leeway) {
            return .invalid("the OCSP response is dated in the future (\(ChainAnalysis.timestamp(this)))")
        }
        let freshUntil = next ?? this?.addingTimeInterval(86_400)
        if let freshUntil, freshUntil < now.addingTimeInterval(-leeway) {
            return .invalid("the OCSP response is stale: its next update was due \(ChainAnalysis.timestamp(freshUntil))")
        }
        switch state {
        case V_OCSP_CERTSTATUS_GOOD:
            return .good(thisUpdate: this, nextUpdate: freshUntil)
        case V_OCSP_CERTSTATUS_REVOKED:
            let name = reason >= 0 ? unsafe OCSP_crl_reason_str(Int(reason)).map { unsafe String(cString: $0) } : nil
            return .revoked(reason: name, at: unsafe Self.date(revokedAt), thisUpdate: this, nextUpdate: freshUntil)
        default:
            return .unknown(thisUpdate: this, nextUpdate: freshUntil)
        }
    }

    private static func date(_ time: UnsafeMutablePointer<ASN1_GENERALIZEDTIME>?) -> Date? {
        guard let time = unsafe time else { return nil }
        return unsafe Certificate.date(of: UnsafePointer(time))
    }
}

/// A certificate revocation list (OpenSSL's `X509_CRL`), freed with X509_CRL_free(3).
///
/// Sendable: after it is read it is only looked up, and X509_CRL_get0_by_serial(3)
/// sorts the list under the CRL's own lock, so many checks may share one.
@safe final class RevocationList: @unchecked Sendable {
    private let pointer: OpaquePointer

    private init(pointer: OpaquePointer) {
        unsafe self.pointer = pointer
    }

    deinit {
        unsafe X509_CRL_free(pointer)
    }

    /// Reads a CRL in DER (d2i_X509_CRL(3)) or PEM (PEM_read_bio_X509_CRL(3)) form.
    static func read(_ bytes: [UInt8]) -> RevocationList? {
        ERR_clear_error()
        defer { ERR_clear_error() }
        let der: OpaquePointer? = unsafe bytes.withUnsafeBufferPointer { buffer in
            var cursor = buffer.baseAddress
            return unsafe d2i_X509_CRL(nil, &cursor, buffer.count)
        }
        if let der = unsafe der { return unsafe RevocationList(pointer: der) }
        let pem: OpaquePointer? = unsafe bytes.withUnsafeBytes { buffer in
            guard let bio = unsafe BIO_new_mem_buf(buffer.baseAddress, Int32(buffer.count)) else { return nil }
            defer { unsafe BIO_free(bio) }
            return unsafe PEM_read_bio_X509_CRL(bio, nil, nil, nil)
        }
        guard let pem = unsafe pem else { return nil }
        return unsafe RevocationList(pointer: pem)
    }

    /// The time the CRL was issued (X509_CRL_get0_lastUpdate(3)).
    var thisUpdate: Date? {
        unsafe X509_CRL_get0_lastUpdate(pointer).flatMap { unsafe Certificate.date(of: $0) }
    }

    /// The time by which the next CRL is issued (X509_CRL_get0_nextUpdate(3)).
    var nextUpdate: Date? {
        unsafe X509_CRL_get0_nextUpdate(pointer).flatMap { unsafe Certificate.date(of: $0) }
    }

    /// Whether `issuer` issued and signed this CRL (X509_NAME_cmp(3), X509_CRL_verify(3)).
    func isSigned(by issuer: Certificate) -> Bool {
        ERR_clear_error()
        defer { ERR_clear_error() }
        guard unsafe X509_NAME_cmp(X509_CRL_get_issuer(pointer), X509_get_subject_name(issuer.pointer)) == 0,
            let key = unsafe X509_get0_pubkey(issuer.pointer)
        else { return false }
        return unsafe X509_CRL_verify(pointer, key) == 1
    }

    /// Whether the list holds `certificate`'s serial (X509_CRL_get0_by_serial(3)),
    /// with the reason (the crlReason entry extension) and the revocation date.
    func entry(for certificate: Certificate) -> (reason: String?, revokedAt: Date?)? {
        ERR_clear_error()
        defer { ERR_clear_error() }
        var revoked: OpaquePointer? = nil
        guard let serial = unsafe X509_get0_serialNumber(certificate.pointer),
            unsafe X509_CRL_get0_by_serial(pointer, &revoked, serial) == 1, let revoked = unsafe revoked
        else { return nil }
        let date = unsafe X509_REVOKED_get0_revocationDate(revoked).flatMap { unsafe Certificate.date(of: $0) }
        var reason: String?
        if let raw = unsafe X509_REVOKED_get_ext_d2i(revoked, NID_crl_reason, nil, nil) {
            let enumerated = unsafe raw.assumingMemoryBound(to: ASN1_ENUMERATED.self)
            let code = unsafe ASN1_ENUMERATED_get(enumerated)
            unsafe ASN1_ENUMERATED_free(enumerated)
            reason = unsafe OCSP_crl_reason_str(code).map { unsafe String(cString: $0) }
        }
        return (reason, date)
    }
}

/// DER encodings and digests of OpenSSL objects, as Swift bytes.
enum OpenSSLBytes {
    /// Runs an i2d function twice: once for the length, once into a buffer.
    static func encode(_ i2d: (UnsafeMutablePointer<UnsafeMutablePointer<UInt8>?>?) -> Int32) -> [UInt8] {
        let length = i2d(nil)
        guard length > 0 else { return [] }
        var bytes = [UInt8](repeating: 0, count: Int(length))
        let written = unsafe bytes.withUnsafeMutableBufferPointer { buffer in
            var cursor = buffer.baseAddress
            return unsafe i2d(&cursor)
        }
        return written == length ? bytes : []
    }

    /// The SHA-256 digest of `bytes` (EVP_Digest(3)), in lowercase hex.
    static func sha256Hex(_ bytes: [UInt8]) -> String {
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let ok = unsafe bytes.withUnsafeBytes { input in
            unsafe digest.withUnsafeMutableBufferPointer { output in
                unsafe EVP_Digest(input.baseAddress, input.count, output.baseAddress, &length, EVP_sha256(), nil)
            }
        }
        guard ok == 1 else { return "" }
        return digest.prefix(Int(length)).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }
}

/// The algorithm and size of a certificate's public key.
struct PublicKeyInfo: Sendable, Hashable {
    enum Algorithm: String, Sendable {
        case rsa = "RSA"
        case ec = "EC"
        case dsa = "DSA"
        case edwards = "EdDSA"
        case other = "other"
    }
    var algorithm: Algorithm
    var bits: Int
}

/// A certificate's signature algorithm, such as `sha256WithRSAEncryption`.
struct SignatureInfo: Sendable, Hashable {
    var algorithm: String
    var digest: String?
    /// SHA-1, MD5 or older.
    var isWeak: Bool
}

/// A set of trusted root certificates (OpenSSL's `X509_STORE`).
///
/// Sendable: after it is loaded, OpenSSL locks its lookups, so many threads may
/// verify against one store at once (X509_STORE_new(3), "thread safety").
@safe final class TrustStore: @unchecked Sendable {
    fileprivate let pointer: OpaquePointer

    private init(pointer: OpaquePointer) {
        unsafe self.pointer = pointer
    }

    deinit {
        unsafe X509_STORE_free(pointer)
    }

    /// The system's store (X509_STORE_set_default_paths(3): OpenSSL's CA file and
    /// hashed directory, /etc/ssl/certs on Debian).
    static func system() throws(OpenSSLError) -> TrustStore {
        ERR_clear_error()
        guard let store = unsafe X509_STORE_new() else { throw OpenSSLError("cannot allocate a trust store") }
        let trust = unsafe TrustStore(pointer: store)
        guard unsafe X509_STORE_set_default_paths(store) == 1 else {
            throw OpenSSLError("cannot load the system trust store", detail: OpenSSLError.drainQueue())
        }
        return trust
    }

    /// A store holding exactly the certificates of a PEM bundle (X509_STORE_load_file(3)).
    static func pemBundle(_ path: String) throws(OpenSSLError) -> TrustStore {
        ERR_clear_error()
        guard let store = unsafe X509_STORE_new() else { throw OpenSSLError("cannot allocate a trust store") }
        let trust = unsafe TrustStore(pointer: store)
        guard unsafe X509_STORE_load_file(store, path) == 1 else {
            throw OpenSSLError("cannot load CA file \(path)", detail: OpenSSLError.drainQueue())
        }
        return trust
    }

    /// One problem X509_verify_cert(3) reported, at a depth of the chain (0 is the leaf).
    struct Issue: Sendable, Hashable {
        enum Kind: Sendable, Hashable {
            case expired
            case notYetValid
            case hostnameMismatch
            case selfSignedLeaf
            case selfSignedRootUntrusted
            case issuerUnknown
            case other
        }
        var kind: Kind
        var depth: Int
        /// X509_verify_cert_error_string(3).
        var text: String
    }

    /// The outcome of verifying a chain.
    struct Verification {
        /// Every problem, in the order OpenSSL met them; empty when the chain verifies.
        var issues: [Issue]
        /// The chain OpenSSL built, leaf first, as far as it got (X509_STORE_CTX_get1_chain(3)).
        var chain: [Certificate]
    }

    /// Verifies `chain` (leaf first, then what the server or file sent) against
    /// this store for a TLS server named `host`, at the time `now`
    /// (X509_verify_cert(3) with the "ssl_server" defaults,
    /// X509_VERIFY_PARAM_set1_host(3) and X509_VERIFY_PARAM_set_time(3)).
    ///
    /// A verify callback records each error and lets verification go on, so one
    /// call reports every problem, not only the first.
    func verify(chain: [Certificate], host: String, now: Date) -> Verification {
        ERR_clear_error()
        guard let leaf = chain.first, let context = unsafe X509_STORE_CTX_new(),
            let untrusted = unsafe wachter_sk_X509_new_null()
        else {
            return Verification(issues: [Issue(kind: .other, depth: 0, text: "out of memory")], chain: [])
        }
        defer {
            unsafe X509_STORE_CTX_free(context)
            unsafe OPENSSL_sk_free(untrusted)
        }
        for certificate in chain.dropFirst() {
            // The stack borrows the pointers; `chain` keeps them alive until the end.
            _ = unsafe wachter_sk_X509_push(untrusted, certificate.pointer)
        }
        guard unsafe X509_STORE_CTX_init(context, pointer, leaf.pointer, untrusted) == 1 else {
            return Verification(issues: [Issue(kind: .other, depth: 0, text: "cannot start verification")], chain: [])
        }
        _ = unsafe X509_STORE_CTX_set_default(context, "ssl_server")
        let parameters = unsafe X509_STORE_CTX_get0_param(context)
        unsafe X509_VERIFY_PARAM_set_time(parameters, time_t(now.timeIntervalSince1970.rounded(.down)))
        unsafe X509_VERIFY_PARAM_set_hostflags(
            parameters, UInt32(X509_CHECK_FLAG_NEVER_CHECK_SUBJECT | X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS))
        _ = unsafe X509_VERIFY_PARAM_set1_host(parameters, host, host.utf8.count)

        let collector = IssueCollector()
        let callback: @convention(c) (Int32, OpaquePointer?) -> Int32 = { preverified, context in
            guard preverified == 0, let context = unsafe context,
                let raw = unsafe X509_STORE_CTX_get_ex_data(context, 0)
            else { return preverified == 0 ? 1 : preverified }
            let collector = unsafe Unmanaged<IssueCollector>.fromOpaque(raw).takeUnretainedValue()
            let code = unsafe X509_STORE_CTX_get_error(context)
            let depth = Int(unsafe X509_STORE_CTX_get_error_depth(context))
            let text = unsafe String(cString: X509_verify_cert_error_string(Int(code)))
            collector.issues.append(Issue(kind: TrustStore.kind(of: code), depth: depth, text: text))
            // Go on, so that the next problem is reported too.
            return 1
        }
        unsafe X509_STORE_CTX_set_verify_cb(context, callback)
        let unmanaged = unsafe Unmanaged.passRetained(collector)
        defer { unsafe unmanaged.release() }
        _ = unsafe X509_STORE_CTX_set_ex_data(context, 0, unmanaged.toOpaque())
        _ = unsafe X509_verify_cert(context)

        var built: [Certificate] = []
        if let stack = unsafe X509_STORE_CTX_get1_chain(context) {
            defer { unsafe OPENSSL_sk_free(stack) }
            let count = unsafe wachter_sk_X509_num(stack)
            for index in 0..<count {
                // get1_chain holds one reference to each certificate; the Swift
                // object takes it over, and only the stack itself is freed here.
                if let x509 = unsafe wachter_sk_X509_value(stack, index) {
                    built.append(unsafe Certificate(owning: x509))
                }
            }
        }
        ERR_clear_error()
        return Verification(issues: collector.issues, chain: built)
    }

    private static func kind(of code: Int32) -> Issue.Kind {
        switch code {
        case X509_V_ERR_CERT_HAS_EXPIRED: return .expired
        case X509_V_ERR_CERT_NOT_YET_VALID: return .notYetValid
        case X509_V_ERR_HOSTNAME_MISMATCH: return .hostnameMismatch
        case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT: return .selfSignedLeaf
        case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN: return .selfSignedRootUntrusted
        case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT, X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY,
            X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
            return .issuerUnknown
        default: return .other
        }
    }
}

/// Where the verify callback puts what it finds; reached through the store
/// context's application data slot (X509_STORE_CTX_set_ex_data(3), index 0).
private final class IssueCollector {
    var issues: [TrustStore.Issue] = []
}

/// A TLS client configuration (OpenSSL's `SSL_CTX`), shared by every check.
///
/// It verifies nothing during the handshake: the chain is taken as served and
/// judged afterwards by `TrustStore.verify`, so that one handshake yields every
/// problem. Its security level is 0 and it offers every cipher suite, so that a
/// server with a weak key, a SHA-1 chain or no certificate at all still completes
/// the handshake and can be reported for it. Sendable: an SSL_CTX is not changed
/// after setup, and SSL_new(3) may be called on it from any thread.
@safe final class TLSClient: @unchecked Sendable {
    private let context: OpaquePointer

    /// SSL_CTX_new(3) with TLS_client_method(3).
    init() throws(OpenSSLError) {
        ERR_clear_error()
        guard let context = unsafe SSL_CTX_new(TLS_client_method()) else {
            throw OpenSSLError("cannot create a TLS context", detail: OpenSSLError.drainQueue())
        }
        unsafe self.context = context
        unsafe SSL_CTX_set_security_level(context, 0)
        _ = unsafe SSL_CTX_set_cipher_list(context, "ALL:@SECLEVEL=0")
        _ = unsafe wachter_SSL_CTX_set_min_proto_version(context, 0)
        unsafe SSL_CTX_set_verify(context, SSL_VERIFY_NONE, nil)
        ERR_clear_error()
    }

    deinit {
        unsafe SSL_CTX_free(context)
    }

    /// What a handshake produced.
    enum Outcome {
        /// The handshake completed; `chain` is what the server sent, leaf first
        /// (SSL_get_peer_cert_chain(3)), and may be empty; `stapled` is the DER of
        /// the OCSP response the server stapled, if it was asked for one and sent it.
        case completed(chain: [Certificate], protocolVersion: String, cipher: String, stapled: [UInt8]?)
        /// The deadline passed while waiting for the server.
        case timeout
        /// The server answered with something that is not TLS.
        case notTLS(String)
        /// The server speaks TLS but the handshake failed, or it closed the connection.
        case failed(String)
    }

    /// Runs a TLS handshake on a connected non-blocking socket with SNI set to
    /// `serverName` (SSL_set_tlsext_host_name(3), SSL_connect(3)), waiting with
    /// poll(2) whenever OpenSSL wants to read or write, until `deadline`. With
    /// `requestStaple`, it asks for a stapled OCSP response (SSL_set_tlsext_status_type(3)).
    func handshake(
        on socket: Socket, serverName: String, deadline: ContinuousClock.Instant, requestStaple: Bool = false
    ) -> Outcome {
        ERR_clear_error()
        guard let ssl = unsafe SSL_new(context) else {
            return .failed(OpenSSLError.drainQueue() ?? "cannot create a TLS connection")
        }
        defer { unsafe SSL_free(ssl) }
        guard unsafe SSL_set_fd(ssl, socket.descriptor) == 1 else {
            return .failed(OpenSSLError.drainQueue() ?? "cannot attach the socket")
        }
        if !serverName.isEmpty && !serverName.allSatisfy({ $0.isNumber || $0 == "." || $0 == ":" }) {
            _ = unsafe wachter_SSL_set_tlsext_host_name(ssl, serverName)
        }
        if requestStaple {
            _ = unsafe wachter_SSL_set_tlsext_status_type(ssl, TLSEXT_STATUSTYPE_ocsp)
        }
        while true {
            let result = unsafe SSL_connect(ssl)
            if result == 1 { break }
            let error = unsafe SSL_get_error(ssl, result)
            let waitFor: Socket.Readiness
            switch error {
            case SSL_ERROR_WANT_READ: waitFor = .readable
            case SSL_ERROR_WANT_WRITE: waitFor = .writable
            default:
                return Self.classifyFailure(sslError: error)
            }
            guard socket.wait(for: waitFor, until: deadline) else { return .timeout }
        }

        var chain: [Certificate] = []
        if let stack = unsafe SSL_get_peer_cert_chain(ssl) {
            let count = unsafe wachter_sk_X509_num(stack)
            for index in 0..<count {
                // The connection owns the stack; each certificate gets its own reference.
                if let x509 = unsafe wachter_sk_X509_value(stack, index), unsafe X509_up_ref(x509) == 1 {
                    chain.append(unsafe Certificate(owning: x509))
                }
            }
        }
        let version = unsafe String(cString: SSL_get_version(ssl))
        let cipher =
            unsafe SSL_get_current_cipher(ssl).flatMap { unsafe SSL_CIPHER_get_name($0) }
            .map { unsafe String(cString: $0) } ?? ""
        var stapled: [UInt8]?
        if requestStaple {
            var response: UnsafePointer<UInt8>? = nil
            let length = unsafe wachter_SSL_get_tlsext_status_ocsp_resp(ssl, &response)
            if let response = unsafe response, length > 0 {
                stapled = unsafe Array(UnsafeBufferPointer(start: response, count: length))
            }
        }
        // Send close_notify once without waiting for the peer's (SSL_shutdown(3)).
        _ = unsafe SSL_shutdown(ssl)
        ERR_clear_error()
        return .completed(chain: chain, protocolVersion: version, cipher: cipher, stapled: stapled)
    }

    /// Sorts a failed SSL_connect(3) by the reason OpenSSL gives (ERR_get_error(3)).
    private static func classifyFailure(sslError: Int32) -> Outcome {
        var reasons: [Int32] = []
        var texts: [String] = []
        while true {
            let code = ERR_get_error()
            if code == 0 { break }
            reasons.append(ERR_GET_REASON(code))
            texts.append(OpenSSLError.text(of: code))
        }
        let notTLSReasons: Set<Int32> = [SSL_R_WRONG_VERSION_NUMBER, SSL_R_PACKET_LENGTH_TOO_LONG, SSL_R_UNKNOWN_PROTOCOL]
        if reasons.contains(where: notTLSReasons.contains) {
            return .notTLS(texts.joined(separator: "; "))
        }
        if texts.isEmpty {
            return .failed(
                sslError == SSL_ERROR_SYSCALL || sslError == SSL_ERROR_ZERO_RETURN
                    ? "the server closed the connection during the handshake" : "SSL_connect failed (\(sslError))")
        }
        return .failed(texts.joined(separator: "; "))
    }
}

/// A failure inside OpenSSL itself, such as an allocation or a trust store that
/// does not load.
struct OpenSSLError: Error, CustomStringConvertible {
    var message: String
    var detail: String?

    init(_ message: String, detail: String? = nil) {
        self.message = message
        self.detail = detail
    }

    var description: String {
        detail.map { "\(message): \($0)" } ?? message
    }

    /// Empties this thread's error queue (ERR_get_error(3)) and returns its texts.
    static func drainQueue() -> String? {
        var texts: [String] = []
        while true {
            let code = ERR_get_error()
            if code == 0 { break }
            texts.append(text(of: code))
        }
        return texts.isEmpty ? nil : texts.joined(separator: "; ")
    }

    /// ERR_error_string_n(3): the reason text of one error code.
    static func text(of code: UInt) -> String {
        if let reason = unsafe ERR_reason_error_string(code) {
            return unsafe String(cString: reason)
        }
        var buffer = [CChar](repeating: 0, count: 256)
        unsafe buffer.withUnsafeMutableBufferPointer { bytes in
            unsafe ERR_error_string_n(code, bytes.baseAddress, bytes.count)
        }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Reads everything from a memory BIO (BIO_read(3)).
    fileprivate static func readAll(_ bio: OpaquePointer) -> String {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 512)
        while true {
            let count = unsafe chunk.withUnsafeMutableBytes { buffer in
                unsafe BIO_read(bio, buffer.baseAddress, Int32(buffer.count))
            }
            if count <= 0 { break }
            bytes.append(contentsOf: chunk.prefix(Int(count)))
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
