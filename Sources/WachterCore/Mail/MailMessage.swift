public import Foundation

/// A mail address with an optional display name, such as `Wachter <wachter@example.nl>`.
public struct MailAddress: Sendable, Equatable {
    /// The name shown to people; any Unicode text.
    public var displayName: String?
    /// The address, `local@domain`, in ASCII.
    public var address: String

    /// Checks and creates an address.
    ///
    /// - Parameters:
    ///   - address: The address; ASCII, one `@`, no spaces, angle brackets or control characters.
    ///   - displayName: The name shown to people.
    /// - Throws: ``WachterError/Code/invalidInput`` for an address that cannot go in a header.
    public init(_ address: String, displayName: String? = nil) throws(WachterError) {
        let parts = address.split(separator: "@", omittingEmptySubsequences: false)
        let allowed = address.unicodeScalars.allSatisfy {
            $0.value > 0x20 && $0.value < 0x7F && !"<>()[]\\,;:\"".unicodeScalars.contains($0)
        }
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty, allowed, address.utf8.count <= 254 else {
            throw WachterError(
                .invalidInput,
                "\(Names.quote(address)) is not a mail address Wachter can send to; give local@domain in ASCII, without spaces or brackets"
            )
        }
        self.address = address
        self.displayName = displayName.map { name in
            String(String.UnicodeScalarView(name.unicodeScalars.filter { $0.properties.generalCategory != .control }))
        }
    }

    /// The domain part.
    public var domain: String { String(address.split(separator: "@").last ?? "localhost") }
}

/// A mail message of a text part and an optional HTML part, written as RFC 5322 and
/// MIME (RFC 2045-2047) for the `sendmail` interface.
///
/// Lines end in CRLF and are at most 78 characters; headers with non-ASCII text use
/// RFC 2047 encoded words (UTF-8, base64), split on character boundaries; both parts
/// are UTF-8 in quoted-printable; the two parts form a multipart/alternative with a
/// random boundary that quoted-printable can never produce.
public struct MailMessage: Sendable {
    /// The sender.
    public var from: MailAddress
    /// The recipients.
    public var to: [MailAddress]
    /// The subject, any Unicode text.
    public var subject: String
    /// The date of the message.
    public var date: Date
    /// The plain text part.
    public var text: String
    /// The HTML part, where there is one.
    public var html: String?

    /// Creates a message.
    ///
    /// - Parameters:
    ///   - from: The sender.
    ///   - to: The recipients, at least one.
    ///   - subject: The subject.
    ///   - date: The date.
    ///   - text: The plain text part.
    ///   - html: The HTML part.
    public init(from: MailAddress, to: [MailAddress], subject: String, date: Date, text: String, html: String? = nil) {
        self.from = from
        self.to = to
        self.subject = subject
        self.date = date
        self.text = text
        self.html = html
    }

    /// The message as bytes for `sendmail -t -i`: headers, a blank line, the body; CRLF line ends.
    ///
    /// - Parameters:
    ///   - boundary: The multipart boundary; random when nil.
    ///   - messageID: The Message-ID without brackets; random at the sender's domain when nil.
    /// - Returns: The message.
    public func rendered(boundary: String? = nil, messageID: String? = nil) -> String {
        let boundary = boundary ?? "=_wachter_" + Self.randomHex(16)
        let messageID = messageID ?? "\(Self.randomHex(16)).wachter@\(from.domain)"
        var lines: [String] = []
        lines += Self.header("From", Self.mailbox(from))
        lines += Self.header("To", to.map(Self.mailbox).joined(separator: ", "))
        lines += Self.header("Subject", Self.unstructured(subject))
        lines += Self.header("Date", Self.rfc5322Date(date))
        lines += Self.header("Message-ID", "<\(messageID)>")
        lines += Self.header("MIME-Version", "1.0")
        lines += Self.header("Auto-Submitted", "auto-generated")
        if let html {
            lines += Self.header("Content-Type", "multipart/alternative; boundary=\"\(boundary)\"")
            lines.append("")
            lines.append("This is a MIME message in text and HTML.")
            for (type, body) in [("text/plain", text), ("text/html", html)] {
                lines.append("--" + boundary)
                lines += part(type, body)
            }
            lines.append("--" + boundary + "--")
        } else {
            lines += part("text/plain", text)
        }
        let joined = lines.joined(separator: "\r\n")
        return joined.hasSuffix("\r\n") ? joined : joined + "\r\n"
    }

    private func part(_ type: String, _ body: String) -> [String] {
        [
            "Content-Type: \(type); charset=utf-8",
            "Content-Transfer-Encoding: quoted-printable",
            "",
        ] + [Self.quotedPrintable(body)]
    }

    // MARK: Headers (RFC 5322 section 2.2, RFC 2047)

    /// A header field, folded before 78 characters at spaces (RFC 5322 section 2.2.3).
    static func header(_ name: String, _ value: String) -> [String] {
        var lines: [String] = []
        var current = name + ":"
        for word in value.split(separator: " ", omittingEmptySubsequences: false) {
            if current.count + 1 + word.count > 78, current.count > name.count + 1 {
                lines.append(current)
                current = " " + word
            } else {
                current += " " + word
            }
        }
        lines.append(current)
        return lines
    }

    /// `Name <address>`, with the name as a quoted string or as encoded words.
    static func mailbox(_ mailbox: MailAddress) -> String {
        guard let name = mailbox.displayName, !name.isEmpty else { return mailbox.address }
        return "\(phrase(name)) <\(mailbox.address)>"
    }

    /// A display name: atoms as they are, a quoted string for ASCII with specials,
    /// encoded words (RFC 2047 section 5 (3)) for anything else.
    static func phrase(_ text: String) -> String {
        let printable = text.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value < 0x7F }
        guard printable else { return encodedWords(text) }
        let atext = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "!#$%&'*+-/=?^_`{|}~ "))
        if text.unicodeScalars.allSatisfy({ $0.isASCII && atext.contains($0) }), !text.hasPrefix(" "), !text.contains("  ") {
            return text
        }
        return "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    /// Unstructured text (a subject): as it is when printable ASCII, else encoded words.
    static func unstructured(_ text: String) -> String {
        let clean = text.replacingOccurrences(of: "\r", with: " ").replacingOccurrences(of: "\n", with: " ")
        let plain =
            clean.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value < 0x7F }
            && !clean.contains("=?") && !clean.split(separator: " ").contains { $0.count > 70 }
        return plain ? clean : encodedWords(clean)
    }

    /// `=?utf-8?b?...?=` words of at most 66 characters each (RFC 2047 allows 75; 66
    /// leaves room for `Subject: ` on the first line), never splitting a character,
    /// separated by spaces (which folding turns into CRLF SP; RFC 2047 section 2).
    static func encodedWords(_ text: String) -> String {
        let prefix = "=?utf-8?b?"
        let maximumPayload = 66 - prefix.count - 2
        var words: [String] = []
        var chunk: [UInt8] = []
        for character in text {
            let bytes = Array(String(character).utf8)
            if ((chunk.count + bytes.count + 2) / 3) * 4 > maximumPayload, !chunk.isEmpty {
                words.append(prefix + Data(chunk).base64EncodedString() + "?=")
                chunk = []
            }
            chunk += bytes
        }
        if !chunk.isEmpty || words.isEmpty { words.append(prefix + Data(chunk).base64EncodedString() + "?=") }
        return words.joined(separator: " ")
    }

    /// The date as RFC 5322 section 3.3 writes it, in UTC: `Tue, 07 May 2024 12:00:00 +0000`.
    static func rfc5322Date(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        return formatter.string(from: date)
    }

    // MARK: Bodies (RFC 2045 section 6.7)

    /// Quoted-printable of the UTF-8 text with CRLF line ends: lines of at most 76
    /// characters with soft breaks, `=` and non-printable bytes as `=XX`, a space or tab
    /// before a line end encoded, and `From ` and `.` at a line's start encoded so that
    /// mbox files and SMTP dot-stuffing cannot change the text.
    static func quotedPrintable(_ text: String) -> String {
        let normalized = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        var output: [String] = []
        for line in normalized.split(separator: "\n", omittingEmptySubsequences: false) {
            let bytes = Array(line.utf8)
            var tokens: [String] = []
            for (index, byte) in bytes.enumerated() {
                let atEnd = index == bytes.count - 1
                let printable = (byte >= 33 && byte <= 126 && byte != 61) || ((byte == 32 || byte == 9) && !atEnd)
                let lineStartSpecial = index == 0 && (byte == 46 || (byte == 70 && line.hasPrefix("From ")))
                tokens.append(printable && !lineStartSpecial ? String(UnicodeScalar(byte)) : hex(byte))
            }
            var current = ""
            for token in tokens {
                if current.count + token.count > 75 {
                    output.append(current + "=")
                    current = ""
                }
                current += token
            }
            output.append(current)
        }
        // A final line end stays as an empty last line: the CRLF before a boundary
        // belongs to the boundary (RFC 2046 section 5.1.1), not to the body.
        return output.joined(separator: "\r\n")
    }

    private static func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return "=" + String(digits[Int(byte >> 4)]) + String(digits[Int(byte & 0x0F)])
    }

    static func randomHex(_ bytes: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<bytes).map { _ in
            let byte = UInt8.random(in: 0...255, using: &generator)
            return String(format: "%02x", byte)
        }.joined()
    }
}
