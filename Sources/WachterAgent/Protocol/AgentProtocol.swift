public import NIOCore
internal import Synchronization
public import WachterCore

/// The framed request/answer protocol between the agent and its clients (docs/PROTOCOL.md).
public enum AgentProtocol {
    /// The protocol's major version, the first byte of every frame.
    public static let version: UInt8 = 1
    /// The bytes before a frame's body: the version and the body's length.
    public static let headerBytes = 5
    /// The largest body a frame may have.
    public static let maximumBodyBytes = 8192
    /// The largest field a body may hold.
    public static let maximumFieldBytes = 4096
}

/// The kinds of request a client sends.
public enum RequestKind: UInt8, Sendable, CaseIterable {
    /// Check a password: service, user, source, password.
    case authenticate = 0x01
    /// Tell an account's standing: service, user, source.
    case status = 0x02
    /// Change a password with the current one: service, user, source, old, new.
    case changePassword = 0x03
    /// A session opens: service, user, source.
    case sessionOpen = 0x04
    /// A session closes: service, user, source.
    case sessionClose = 0x05

    /// How many fields a body of this kind holds.
    public var fieldCount: Int {
        switch self {
        case .authenticate: 4
        case .changePassword: 5
        case .status, .sessionOpen, .sessionClose: 3
        }
    }
}

/// A password on its way from a frame to the hasher.
///
/// It can cross tasks (it is `Sendable`), and hands its bytes over once, into a
/// ``Secret`` that wipes them.
public final class SealedSecret: Sendable, CustomStringConvertible {
    private let bytes: Mutex<[UInt8]>

    /// Seals bytes; the caller should keep no other copy.
    ///
    /// - Parameter bytes: The secret's bytes.
    public init(bytes: consuming [UInt8]) {
        self.bytes = Mutex(bytes)
    }

    /// Takes the bytes out into a ``Secret``; a second call gives an empty secret.
    ///
    /// - Returns: The secret.
    public func take() -> Secret {
        bytes.withLock { stored -> sending Secret in
            var taken: [UInt8] = []
            swap(&taken, &stored)
            return Secret(bytes: taken)
        }
    }

    /// Always `<redacted>`.
    public var description: String { "<redacted>" }
}

/// One decoded request.
public struct AgentRequest: Sendable, CustomStringConvertible {
    /// What is asked.
    public var kind: RequestKind
    /// The asking service, such as `dovecot` or `sshd`.
    public var service: String
    /// The account name as the client gave it.
    public var user: String
    /// The client's address, or nil when the field was empty.
    public var source: String?
    /// The password (authenticate) or the current password (change password).
    public var password: SealedSecret?
    /// The new password (change password).
    public var newPassword: SealedSecret?

    /// Creates a request.
    ///
    /// - Parameters:
    ///   - kind: What is asked.
    ///   - service: The asking service.
    ///   - user: The account name.
    ///   - source: The client's address.
    ///   - password: The password or current password.
    ///   - newPassword: The new password.
    public init(
        kind: RequestKind, service: String, user: String, source: String?, password: SealedSecret? = nil,
        newPassword: SealedSecret? = nil
    ) {
        self.kind = kind
        self.service = service
        self.user = user
        self.source = source
        self.password = password
        self.newPassword = newPassword
    }

    /// The request without its secrets.
    public var description: String { "\(kind) service=\(service) user=\(user) source=\(source ?? "-")" }
}

/// The answer codes (docs/PROTOCOL.md).
public enum AnswerCode: UInt8, Sendable, CaseIterable {
    /// The password matched, the account is in good standing, or the change was made.
    case success = 0x00
    /// The password did not match.
    case failure = 0x01
    /// The password matched but must be changed.
    case expired = 0x02
    /// The account is locked, or the source is throttled.
    case locked = 0x03
    /// There is no such account.
    case unknownUser = 0x04
    /// The new password was refused by the policy.
    case policyRefused = 0x05
    /// The peer may not use the agent.
    case denied = 0x06
    /// A malformed frame, an internal error or an overload.
    case error = 0x7F
}

/// One answer.
public struct AgentAnswer: Sendable, Equatable {
    /// The outcome.
    public var code: AnswerCode
    /// A short reason for people, never a secret.
    public var reason: String

    /// How a `success` answer to a password change begins its reason when the change was
    /// made but the cache flush command failed (docs/PROTOCOL.md).
    public static let cacheFlushFailedPrefix = "cache flush failed:"

    /// Creates an answer.
    ///
    /// - Parameters:
    ///   - code: The outcome.
    ///   - reason: A short reason.
    public init(_ code: AnswerCode, _ reason: String = "") {
        self.code = code
        self.reason = reason
    }
}

/// A fault in a frame; its reason goes into the `error` answer.
public struct ProtocolViolation: Error, Sendable, Equatable {
    /// What is wrong, such as `unsupported protocol version 7`.
    public var reason: String

    /// Creates a violation.
    ///
    /// - Parameter reason: What is wrong.
    public init(_ reason: String) { self.reason = reason }
}

/// Reads and writes frames in `ByteBuffer`s.
public enum FrameCodec {
    /// Takes one request frame off the front of `buffer`.
    ///
    /// - Parameter buffer: Received bytes; a complete frame is consumed.
    /// - Returns: The request, or nil when more bytes are needed.
    /// - Throws: ``ProtocolViolation`` for a malformed frame.
    public static func decodeRequest(from buffer: inout ByteBuffer) throws(ProtocolViolation) -> AgentRequest? {
        guard var body = try frameBody(from: &buffer) else { return nil }
        guard let kindByte = body.readInteger(as: UInt8.self), let kind = RequestKind(rawValue: kindByte) else {
            throw ProtocolViolation("unknown request kind")
        }
        var fields: [[UInt8]] = []
        fields.reserveCapacity(kind.fieldCount)
        for _ in 0..<kind.fieldCount { fields.append(try field(from: &body)) }
        guard body.readableBytes == 0 else { throw ProtocolViolation("malformed request: bytes after the last field") }
        func text(_ index: Int, _ name: String) throws(ProtocolViolation) -> String {
            guard let value = String(validating: fields[index], as: UTF8.self) else {
                throw ProtocolViolation("malformed request: the \(name) is not UTF-8")
            }
            // Service, user and source go into login events and the audit trail; no
            // client has a reason to send a control character (C0, DEL or C1) in them.
            guard !value.unicodeScalars.contains(where: { $0.value < 0x20 || (0x7F..<0xA0).contains($0.value) }) else {
                throw ProtocolViolation("malformed request: the \(name) has a control character")
            }
            return value
        }
        let service = try text(0, "service")
        let user = try text(1, "user")
        let source = try text(2, "source")
        guard !service.isEmpty, !user.isEmpty else { throw ProtocolViolation("malformed request: empty service or user") }
        var request = AgentRequest(kind: kind, service: service, user: user, source: source.isEmpty ? nil : source)
        if kind == .authenticate || kind == .changePassword {
            request.password = SealedSecret(bytes: fields[3])
            fields[3] = []
        }
        if kind == .changePassword {
            request.newPassword = SealedSecret(bytes: fields[4])
            fields[4] = []
        }
        return request
    }

    /// Takes one answer frame off the front of `buffer`.
    ///
    /// - Parameter buffer: Received bytes; a complete frame is consumed.
    /// - Returns: The answer, or nil when more bytes are needed.
    /// - Throws: ``ProtocolViolation`` for a malformed frame or an unknown code.
    public static func decodeAnswer(from buffer: inout ByteBuffer) throws(ProtocolViolation) -> AgentAnswer? {
        guard var body = try frameBody(from: &buffer) else { return nil }
        guard let codeByte = body.readInteger(as: UInt8.self), let code = AnswerCode(rawValue: codeByte) else {
            throw ProtocolViolation("unknown answer code")
        }
        let reason = try field(from: &body)
        guard body.readableBytes == 0, let text = String(validating: reason, as: UTF8.self) else {
            throw ProtocolViolation("malformed answer")
        }
        return AgentAnswer(code, text)
    }

    /// Writes an answer frame.
    ///
    /// - Parameters:
    ///   - answer: The answer; a reason over the field limit is cut.
    ///   - buffer: Where to write.
    public static func encode(_ answer: AgentAnswer, into buffer: inout ByteBuffer) {
        var reason = Array(answer.reason.utf8)
        if reason.count > 1024 { reason = Array(reason.prefix(1024)) }
        buffer.writeInteger(AgentProtocol.version)
        buffer.writeInteger(UInt32(1 + 2 + reason.count))
        buffer.writeInteger(answer.code.rawValue)
        buffer.writeInteger(UInt16(reason.count))
        buffer.writeBytes(reason)
    }

    /// Writes a request frame from its fields, the secrets last.
    ///
    /// - Parameters:
    ///   - kind: The request's kind.
    ///   - service: The asking service.
    ///   - user: The account name.
    ///   - source: The client's address, or nil.
    ///   - secrets: The password, or the current and new passwords, as the kind needs.
    ///   - buffer: Where to write.
    /// - Throws: ``ProtocolViolation`` when the fields do not fit the kind or the limits.
    public static func encodeRequest(
        kind: RequestKind, service: String, user: String, source: String?, secrets: [Secret], into buffer: inout ByteBuffer
    ) throws(ProtocolViolation) {
        let texts = [Array(service.utf8), Array(user.utf8), Array((source ?? "").utf8)]
        guard texts.count + secrets.count == kind.fieldCount else {
            throw ProtocolViolation("a \(kind) request takes \(kind.fieldCount) fields")
        }
        let sizes = texts.map(\.count) + secrets.map(\.count)
        guard sizes.allSatisfy({ $0 <= AgentProtocol.maximumFieldBytes }) else { throw ProtocolViolation("a field is too long") }
        let length = 1 + sizes.reduce(0) { $0 + 2 + $1 }
        guard length <= AgentProtocol.maximumBodyBytes else { throw ProtocolViolation("the request is too long") }
        buffer.writeInteger(AgentProtocol.version)
        buffer.writeInteger(UInt32(length))
        buffer.writeInteger(kind.rawValue)
        for text in texts {
            buffer.writeInteger(UInt16(text.count))
            buffer.writeBytes(text)
        }
        for secret in secrets {
            buffer.writeInteger(UInt16(secret.count))
            _ = secret.withBytes { buffer.writeBytes($0) }
        }
    }

    /// Checks the header and slices off a complete body.
    private static func frameBody(from buffer: inout ByteBuffer) throws(ProtocolViolation) -> ByteBuffer? {
        // The version byte is judged as soon as it arrives, so that garbage is
        // answered at once instead of waiting for a length that never comes.
        guard let version = buffer.getInteger(at: buffer.readerIndex, as: UInt8.self) else { return nil }
        guard version == AgentProtocol.version else { throw ProtocolViolation("unsupported protocol version \(version)") }
        guard let length = buffer.getInteger(at: buffer.readerIndex + 1, as: UInt32.self) else { return nil }
        guard length >= 1 else { throw ProtocolViolation("empty frame") }
        guard length <= AgentProtocol.maximumBodyBytes else {
            throw ProtocolViolation("frame of \(length) bytes exceeds the limit of \(AgentProtocol.maximumBodyBytes)")
        }
        guard buffer.readableBytes >= AgentProtocol.headerBytes + Int(length) else { return nil }
        buffer.moveReaderIndex(forwardBy: AgentProtocol.headerBytes)
        return buffer.readSlice(length: Int(length))
    }

    private static func field(from body: inout ByteBuffer) throws(ProtocolViolation) -> [UInt8] {
        guard let length = body.readInteger(as: UInt16.self) else {
            throw ProtocolViolation("malformed request: fewer fields than the kind needs")
        }
        guard length <= AgentProtocol.maximumFieldBytes else {
            throw ProtocolViolation(
                "malformed request: a field of \(length) bytes exceeds the limit of \(AgentProtocol.maximumFieldBytes)")
        }
        guard let bytes = body.readBytes(length: Int(length)) else {
            throw ProtocolViolation("malformed request: a field runs past the end of the frame")
        }
        guard !bytes.contains(0) else { throw ProtocolViolation("malformed request: a NUL byte inside a field") }
        return bytes
    }
}
