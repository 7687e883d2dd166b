internal import Foundation
public import NIOCore
internal import WachterCore

/// How the agent serves Dovecot's authentication policy protocol (`auth_policy_server_url`).
public struct DovecotPolicyConfiguration: Sendable {
    /// The port Dovecot's documentation uses in its examples.
    public static let defaultPort = 4001

    /// The address to listen on; loopback unless the operator says otherwise.
    public var host: String
    /// The TCP port.
    public var port: Int
    /// The header Dovecot must send (`auth_policy_server_api_header`), when one is configured.
    public var apiHeader: HeaderCredential?
    /// The `user:password` Dovecot must send as HTTP basic credentials (the URL's user
    /// information), when configured.
    public var basicCredentials: Credential?
    /// Distinct failures of an account or its address within the lockout window after
    /// which `allow` asks Dovecot to wait ``tarpitSeconds`` before checking.
    public var tarpitAfter: Int
    /// The tarpit in seconds; 0 turns it off.
    public var tarpitSeconds: Int
    /// The largest request body accepted; a larger one is answered 400.
    public var maximumBody: Int
    /// How long a kept-alive connection may be idle.
    public var idleTimeout: TimeAmount
    /// Threads that read the store for `allow` and `report`, apart from the hashing threads.
    public var threads: Int

    /// A credential Dovecot must present. It lives as long as the agent, prints as
    /// `<redacted>` and is compared in constant time.
    public struct Credential: Sendable, CustomStringConvertible {
        private let bytes: [UInt8]

        /// Creates a credential.
        ///
        /// - Parameter text: Its text.
        public init(_ text: String) { bytes = Array(text.utf8) }

        /// Whether the given bytes are this credential, in constant time.
        ///
        /// - Parameter given: What the client sent.
        /// - Returns: Whether they match.
        public func matches(_ given: some Sequence<UInt8>) -> Bool { ConstantTime.equals(bytes, Array(given)) }

        /// Always `<redacted>`.
        public var description: String { "<redacted>" }
    }

    /// A header name and the value it must carry.
    public struct HeaderCredential: Sendable {
        /// The header's name, such as `X-API-Key`.
        public var name: String
        /// The value.
        public var value: Credential

        /// Parses Dovecot's `auth_policy_server_api_header` syntax: `Name: value`, or a bare
        /// value that Dovecot sends as `X-API-Key`.
        ///
        /// - Parameter text: The setting's text.
        public init(dovecotSetting text: String) {
            if let colon = text.firstIndex(of: ":") {
                name = String(text[..<colon]).trimmingCharacters(in: .whitespaces)
                value = Credential(String(text[text.index(after: colon)...]).trimmingCharacters(in: .whitespaces))
            } else {
                name = "X-API-Key"
                value = Credential(text.trimmingCharacters(in: .whitespaces))
            }
        }
    }

    /// Creates a configuration.
    ///
    /// - Parameters:
    ///   - host: The address to listen on.
    ///   - port: The port (0 lets the system choose; tests read it back).
    ///   - apiHeader: The header credential, if any.
    ///   - basicCredentials: The basic credentials, if any.
    ///   - tarpitAfter: Failures after which `allow` answers a tarpit.
    ///   - tarpitSeconds: The tarpit; 0 for none.
    ///   - maximumBody: The body limit in bytes.
    ///   - idleTimeout: The idle limit.
    ///   - threads: Threads for the store reads.
    public init(
        host: String = "127.0.0.1", port: Int = defaultPort, apiHeader: HeaderCredential? = nil,
        basicCredentials: Credential? = nil, tarpitAfter: Int = 3, tarpitSeconds: Int = 0, maximumBody: Int = 16_384,
        idleTimeout: TimeAmount = .seconds(60), threads: Int = 2
    ) {
        self.host = host
        self.port = port
        self.apiHeader = apiHeader
        self.basicCredentials = basicCredentials
        self.tarpitAfter = max(1, tarpitAfter)
        self.tarpitSeconds = max(0, tarpitSeconds)
        self.maximumBody = max(256, maximumBody)
        self.idleTimeout = idleTimeout
        self.threads = max(1, threads)
    }

    /// Parses `ADDRESS:PORT`, `[IPv6]:PORT`, `:PORT` or `PORT`; without an address, loopback.
    ///
    /// - Parameter text: The option's value.
    /// - Returns: The host and port.
    /// - Throws: ``WachterError`` (`invalidInput`) naming what is wrong.
    public static func parseAddress(_ text: String) throws -> (host: String, port: Int) {
        var host = "127.0.0.1"
        var portText = text
        if text.hasPrefix("["), let close = text.firstIndex(of: "]") {
            host = String(text[text.index(after: text.startIndex)..<close])
            portText = String(text[text.index(after: close)...])
            guard portText.hasPrefix(":") else {
                throw WachterError(.invalidInput, "\(text): an IPv6 address is written [ADDRESS]:PORT")
            }
            portText.removeFirst()
        } else if let colon = text.lastIndex(of: ":") {
            let given = String(text[..<colon])
            if !given.isEmpty { host = given }
            portText = String(text[text.index(after: colon)...])
        }
        guard let port = Int(portText), (1...65535).contains(port) else {
            throw WachterError(.invalidInput, "\(text): the port must be a number from 1 to 65535")
        }
        return (host, port)
    }
}

extension DovecotPolicyConfiguration {
    /// Reads a credential from a file (its first line), so that it is in no argument or
    /// environment variable. The file must not be readable by other users.
    ///
    /// - Parameter path: The file.
    /// - Returns: The first line.
    /// - Throws: ``WachterError`` (`inputFailure`) when the file cannot be read, is readable by
    ///   others, or is empty.
    public static func readCredential(_ path: String) throws -> String {
        let attributes: [FileAttributeKey: Any]
        let data: Data
        do {
            attributes = try FileManager.default.attributesOfItem(atPath: path)
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw WachterError(.inputFailure, "cannot read \(path)", cause: "\(error)")
        }
        if let mode = attributes[.posixPermissions] as? Int, mode & 0o007 != 0 {
            throw WachterError(.inputFailure, "\(path) is readable by other users; chmod o-rwx it")
        }
        let line = String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
        guard !line.isEmpty else { throw WachterError(.inputFailure, "\(path) is empty") }
        return line
    }
}
