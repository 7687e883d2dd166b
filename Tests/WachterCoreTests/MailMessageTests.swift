import Foundation
import Testing
import WachterCore

/// What Python's `email` package (policy=email.policy.strict) reads from a message.
struct ParsedMail: Decodable {
    struct Part: Decodable {
        var type: String
        var charset: String?
        var encoding: String?
        var content: String
    }
    var headers: [String: String]
    var rawHeaders: [String: String]
    var defects: [String]
    var type: String
    var boundary: String?
    var parts: [Part]

    static let script = """
        import email, email.policy, json, sys
        data = open(sys.argv[1], 'rb').read()
        message = email.message_from_bytes(data, policy=email.policy.strict)
        defects = [str(d) for d in message.defects]
        parts = []
        for part in (message.iter_parts() if message.is_multipart() else [message]):
            defects += [str(d) for d in part.defects]
            parts.append({'type': part.get_content_type(), 'charset': part.get_content_charset(),
                          'encoding': part.get('Content-Transfer-Encoding'), 'content': part.get_content()})
        headers = {k: str(v) for k, v in message.items()}
        raw = email.message_from_bytes(data, policy=email.policy.compat32)
        print(json.dumps({'headers': headers, 'rawHeaders': {k: v for k, v in raw.items()}, 'defects': defects,
                          'type': message.get_content_type(), 'boundary': message.get_boundary(), 'parts': parts}))
        """

    /// Parses a rendered message with Python.
    static func parse(_ message: String) throws -> ParsedMail {
        let directory = try TemporaryDirectory()
        let path = directory.path + "/message.eml"
        try Data(message.utf8).write(to: URL(fileURLWithPath: path))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, path]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "Python's strict email parser refused the message")
        return try JSONDecoder().decode(ParsedMail.self, from: data)
    }
}

struct MailMessageTests {
    static let date = Date(timeIntervalSince1970: 1_735_689_600)

    static func message(
        subject: String = "Wachter weekly report: 3 actions needed", text: String = "Hello\n", html: String? = "<p>Hello</p>\n"
    ) throws -> MailMessage {
        MailMessage(
            from: try MailAddress("wachter@example.nl", displayName: "Wachter"),
            to: [
                try MailAddress("ops@example.nl", displayName: "Jörg Müller-Lüdenscheidt, Operations"),
                try MailAddress("b@example.nl"),
            ],
            subject: subject, date: date, text: text, html: html)
    }

    @Test func pythonsStrictParserReadsEveryHeaderAndPart() throws {
        let text =
            "Passwörter abgelaufen: 3\n.\nFrom here on\n" + String(repeating: "x", count: 200) + "\ntrailing space \n= sign\n"
        let html = "<p>Ünïcödé &amp; <b>bold</b></p>\n"
        let rendered = try Self.message(subject: "Wachter weekly report: 3 actions needed — Prüfung", text: text, html: html)
            .rendered()
        let parsed = try ParsedMail.parse(rendered)
        #expect(parsed.defects.isEmpty)
        #expect(parsed.headers["Subject"] == "Wachter weekly report: 3 actions needed — Prüfung")
        #expect(parsed.headers["From"] == "Wachter <wachter@example.nl>")
        #expect(parsed.headers["To"] == "\"Jörg Müller-Lüdenscheidt, Operations\" <ops@example.nl>, b@example.nl")
        #expect(parsed.headers["Date"] == "Wed, 01 Jan 2025 00:00:00 +0000")
        #expect(parsed.headers["MIME-Version"] == "1.0")
        #expect(parsed.headers["Message-ID"]?.hasSuffix(".wachter@example.nl>") == true)
        #expect(parsed.rawHeaders["Subject"]?.contains("=?utf-8?b?") == true)
        #expect(parsed.type == "multipart/alternative")
        #expect(parsed.parts.map(\.type) == ["text/plain", "text/html"])
        #expect(parsed.parts.map(\.charset) == ["utf-8", "utf-8"])
        #expect(parsed.parts.map(\.encoding) == ["quoted-printable", "quoted-printable"])
        #expect(parsed.parts.first?.content.replacingOccurrences(of: "\r\n", with: "\n") == text)
        #expect(parsed.parts.last?.content.replacingOccurrences(of: "\r\n", with: "\n") == html)
    }

    @Test func everyLineEndsInCRLFAndIsShort() throws {
        let rendered = try Self.message(
            subject: String(repeating: "Überlange Betreffzeile ", count: 8), text: String(repeating: "ä", count: 500)
        ).rendered()
        let lines = rendered.components(separatedBy: "\r\n")
        #expect(lines.last == "")
        #expect(!rendered.replacingOccurrences(of: "\r\n", with: "").contains("\n"))
        #expect(!rendered.replacingOccurrences(of: "\r\n", with: "").contains("\r"))
        for line in lines { #expect(line.utf8.count <= 78, "\(line)") }
        #expect(rendered.utf8.allSatisfy { $0 < 0x80 }, "7-bit: every non-ASCII byte is encoded")
        let parsed = try ParsedMail.parse(rendered)
        #expect(parsed.headers["Subject"] == String(repeating: "Überlange Betreffzeile ", count: 8))
        #expect(parsed.defects.isEmpty)
    }

    @Test func theBoundaryIsRandomAndNeverInABody() throws {
        let message = try Self.message(text: "--=_wachter_ looks like a boundary\n=_\n")
        let first = try ParsedMail.parse(message.rendered())
        let second = try ParsedMail.parse(message.rendered())
        #expect(first.boundary != second.boundary)
        #expect(first.boundary?.hasPrefix("=_wachter_") == true)
        #expect(first.parts.count == 2)
        #expect(
            first.parts.first?.content.replacingOccurrences(of: "\r\n", with: "\n") == "--=_wachter_ looks like a boundary\n=_\n")
    }

    @Test func aTextOnlyMessageIsOnePart() throws {
        let parsed = try ParsedMail.parse(try Self.message(html: nil).rendered())
        #expect(parsed.type == "text/plain")
        #expect(parsed.parts.count == 1)
        #expect(parsed.defects.isEmpty)
    }

    @Test func headerInjectionIsImpossible() throws {
        #expect(throws: WachterError.self) { try MailAddress("ops@example.nl\r\nBcc: x@evil.example") }
        #expect(throws: WachterError.self) { try MailAddress("no-at-sign") }
        #expect(throws: WachterError.self) { try MailAddress("jörg@example.nl") }
        let rendered = try Self.message(subject: "Hi\r\nBcc: x@evil.example").rendered()
        let parsed = try ParsedMail.parse(rendered)
        #expect(parsed.headers["Bcc"] == nil)
        #expect(parsed.headers["Subject"] == "Hi  Bcc: x@evil.example")
    }

    @Test func theReportSubjectCountsActions() throws {
        let report = try ReportFixture().report()
        #expect(MailMessage.subject(report) == "Wachter weekly report: 7 actions needed")
        let empty = try ReportFixture(rich: false).report()
        #expect(MailMessage.subject(empty) == "Wachter weekly report: nothing to report")
    }
}
