/// A plain-text protocol that upgrades its connection to TLS with a command.
public enum StartTLSProtocol: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    /// IMAP: `STARTTLS` (RFC 3501 6.2.1), usually on port 143.
    case imap
    /// POP3: `STLS` (RFC 2595 4), usually on port 110.
    case pop3
    /// SMTP: `EHLO`, then `STARTTLS` (RFC 3207), usually on ports 25 and 587.
    case smtp
    /// FTP: `AUTH TLS` (RFC 4217 4), usually on port 21.
    case ftp

    /// The usual port, for `--connect HOST` without one.
    public var defaultPort: UInt16 {
        switch self {
        case .imap: return 143
        case .pop3: return 110
        case .smtp: return 587
        case .ftp: return 21
        }
    }

    /// The protocol's name: `imap`, `pop3`, `smtp` or `ftp`.
    public var description: String { rawValue }
}
