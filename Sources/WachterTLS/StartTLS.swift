import WachterCore

/// The plain-text part of a STARTTLS connection: the greeting, the capabilities
/// where the protocol has them, and the command that starts TLS.
///
/// Reads go through a small buffer, one reply at a time; the server sends nothing
/// after its answer to the STARTTLS command until the client's TLS ClientHello, so
/// nothing the buffer holds is lost when OpenSSL takes over the socket.
struct StartTLSDialogue {
    /// How the dialogue ended.
    enum Outcome: Equatable {
        /// The server agreed: the TLS handshake can start.
        case ready
        /// The server does not offer STARTTLS; the text is what it said.
        case notOffered(String)
        /// The server answered with an error, closed the connection, or said
        /// something that is not its protocol; the text says what.
        case refused(String)
        /// The deadline passed while waiting for the server; the text says for what
        /// (`greeting`, `answer to STARTTLS` ...).
        case stalled(String)
    }

    let socket: Socket
    let deadline: ContinuousClock.Instant
    /// The name sent in SMTP's EHLO.
    let clientName: String
    private var buffer: [UInt8] = []

    init(socket: Socket, deadline: ContinuousClock.Instant, clientName: String = "wachter.invalid") {
        self.socket = socket
        self.deadline = deadline
        self.clientName = clientName
    }

    /// A failure while reading or writing one reply.
    private enum Failure: Error {
        case closed
        case stalled
        case failed(String)
    }

    /// Runs the dialogue of `protocol` up to the point where TLS starts.
    mutating func run(_ protocol: StartTLSProtocol) -> Outcome {
        var step = "greeting"
        do {
            switch `protocol` {
            case .imap: return try imap(step: &step)
            case .pop3: return try pop3(step: &step)
            case .smtp: return try smtp(step: &step)
            case .ftp: return try ftp(step: &step)
            }
        } catch {
            switch error {
            case .closed: return .refused("the server closed the connection while the client waited for its \(step)")
            case .stalled: return .stalled(step)
            case .failed(let text): return .refused("\(text), while waiting for its \(step)")
            }
        }
    }

    // IMAP (RFC 3501): "* OK [CAPABILITY ...]" greeting; tagged CAPABILITY when the
    // greeting does not list them; "a STARTTLS" answered "a OK", "a NO" or "a BAD".
    private mutating func imap(step: inout String) throws(Failure) -> Outcome {
        let greeting = try line()
        guard greeting.hasPrefix("* OK") else { return .refused("the greeting was '\(Self.shown(greeting))'") }
        var capabilities = greeting.uppercased()
        if !capabilities.contains("[CAPABILITY ") {
            step = "answer to CAPABILITY"
            try write("W1 CAPABILITY\r\n")
            capabilities = ""
            while true {
                let reply = try line()
                if reply.hasPrefix("W1 ") {
                    guard reply.hasPrefix("W1 OK") else { return .refused("CAPABILITY was answered '\(Self.shown(reply))'") }
                    break
                }
                capabilities += " " + reply.uppercased()
            }
        }
        guard Self.words(capabilities).contains("STARTTLS") else {
            return .notOffered("its capabilities do not list STARTTLS")
        }
        step = "answer to STARTTLS"
        try write("W2 STARTTLS\r\n")
        while true {
            let reply = try line()
            if reply.hasPrefix("* ") { continue }
            if reply.hasPrefix("W2 OK") { return .ready }
            if reply.hasPrefix("W2 BAD") { return .notOffered("STARTTLS was answered '\(Self.shown(reply))'") }
            return .refused("STARTTLS was answered '\(Self.shown(reply))'")
        }
    }

    // POP3 (RFC 2449, RFC 2595): "+OK" greeting; CAPA lists STLS; "STLS" answered
    // "+OK" or "-ERR". A server without CAPA is asked STLS all the same.
    private mutating func pop3(step: inout String) throws(Failure) -> Outcome {
        let greeting = try line()
        guard greeting.hasPrefix("+OK") else { return .refused("the greeting was '\(Self.shown(greeting))'") }
        step = "answer to CAPA"
        try write("CAPA\r\n")
        let first = try line()
        if first.hasPrefix("+OK") {
            var offered = false
            while true {
                let entry = try line()
                if entry == "." { break }
                if Self.words(entry.uppercased()).first == "STLS" { offered = true }
            }
            guard offered else { return .notOffered("its CAPA list does not name STLS") }
        }
        step = "answer to STLS"
        try write("STLS\r\n")
        let reply = try line()
        if reply.hasPrefix("+OK") { return .ready }
        return .refused("STLS was answered '\(Self.shown(reply))'")
    }

    // SMTP (RFC 5321, RFC 3207): "220" greeting, EHLO lists STARTTLS, "STARTTLS"
    // answered "220"; replies may span lines ("250-...", then "250 ...").
    private mutating func smtp(step: inout String) throws(Failure) -> Outcome {
        let greeting = try reply()
        guard greeting.code == 220 else { return .refused("the greeting was '\(Self.shown(greeting.text))'") }
        step = "answer to EHLO"
        try write("EHLO \(clientName)\r\n")
        let hello = try reply()
        guard hello.code == 250 else { return .refused("EHLO was answered '\(Self.shown(hello.text))'") }
        guard hello.lines.contains(where: { Self.words($0.uppercased()).first == "STARTTLS" }) else {
            return .notOffered("its EHLO answer does not list STARTTLS")
        }
        step = "answer to STARTTLS"
        try write("STARTTLS\r\n")
        let answer = try reply()
        if answer.code == 220 { return .ready }
        return .refused("STARTTLS was answered '\(Self.shown(answer.text))'")
    }

    // FTP (RFC 959, RFC 4217): "220" greeting; "AUTH TLS" answered "234"; 500, 502
    // and 504 mean the command (or TLS) is unknown to the server.
    private mutating func ftp(step: inout String) throws(Failure) -> Outcome {
        let greeting = try reply()
        guard greeting.code == 220 else { return .refused("the greeting was '\(Self.shown(greeting.text))'") }
        step = "answer to AUTH TLS"
        try write("AUTH TLS\r\n")
        let answer = try reply()
        if answer.code == 234 { return .ready }
        if [500, 502, 504].contains(answer.code) { return .notOffered("AUTH TLS was answered '\(Self.shown(answer.text))'") }
        return .refused("AUTH TLS was answered '\(Self.shown(answer.text))'")
    }

    /// One numbered reply of SMTP or FTP: `NNN-text` lines, then `NNN text`.
    private mutating func reply() throws(Failure) -> (code: Int, text: String, lines: [String]) {
        var lines: [String] = []
        while true {
            let text = try line()
            let code = Int(text.prefix(3)) ?? -1
            guard code >= 0 else { return (-1, text, lines) }
            let rest = text.dropFirst(3)
            lines.append(String(rest.dropFirst()))
            if !rest.hasPrefix("-") { return (code, text, lines) }
        }
    }

    /// One line without its CRLF; at most 4 KiB, which no greeting needs.
    private mutating func line() throws(Failure) -> String {
        while true {
            if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                var bytes = buffer[..<newline]
                if bytes.last == UInt8(ascii: "\r") { bytes = bytes.dropLast() }
                buffer.removeSubrange(...newline)
                return String(decoding: bytes, as: UTF8.self)
            }
            if buffer.count > 4096 { throw .failed("a line of more than 4 KiB") }
            switch socket.receive(upTo: 4096, until: deadline) {
            case .bytes(let bytes): buffer += bytes
            case .closed: throw .closed
            case .timeout: throw .stalled
            case .failed(let text): throw .failed(text)
            }
        }
    }

    private func write(_ text: String) throws(Failure) {
        if let failure = socket.send(Array(text.utf8), until: deadline) {
            throw failure == "timed out while sending" ? .stalled : .failed(failure)
        }
    }

    /// The words of a line, split at spaces and brackets.
    private static func words(_ text: String) -> [Substring] {
        text.split(whereSeparator: { $0 == " " || $0 == "[" || $0 == "]" })
    }

    /// At most 80 printable characters of what a server said.
    static func shown(_ text: String) -> String {
        let printable = String(text.unicodeScalars.map { $0.value >= 0x20 && $0.value < 0x7F ? Character($0) : "?" })
        return printable.count > 80 ? printable.prefix(80) + "..." : printable
    }
}
