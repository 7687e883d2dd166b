import Testing
import WachterCore

struct ImportParserTests {
    private func parse(_ text: String, _ format: ExportFormat) throws -> ImportFile {
        try ImportParser.parse(Array(text.utf8), format: format, kind: format.defaultKind)
    }

    @Test func readsADovecotFileKeepingEachHashAndRefusingPlain() throws {
        let file = try parse(
            """
            # mailboxes
            info@acme.nl:{SHA512-CRYPT}\(SampleHashes.sha512):5000:5000::/var/vmail/acme.nl/info::userdb_mail=maildir:~/Maildir
            bob@acme.nl:{BLF-CRYPT}\(SampleHashes.bcrypt)::::::
            old@acme.nl:\(SampleHashes.md5)
            plain@acme.nl:{PLAIN}hunter2:::::: 
            ssha@acme.nl:{SSHA512}abcdef::::::
            gone@acme.nl:{CRYPT}!\(SampleHashes.yescrypt)::::::

            """, .dovecot)
        #expect(file.records.map(\.name) == ["info@acme.nl", "bob@acme.nl", "old@acme.nl", "gone@acme.nl"])
        #expect(file.records.map(\.hash) == [SampleHashes.sha512, SampleHashes.bcrypt, SampleHashes.md5, SampleHashes.yescrypt])
        #expect(file.records.map(\.locked) == [false, false, false, true])
        #expect(file.refused.map(\.name) == ["plain@acme.nl", "ssha@acme.nl"])
        #expect(file.refused.map(\.line) == [5, 6])
        #expect(file.refused.allSatisfy { !$0.reason.contains("hunter2") })
    }

    @Test func refusesASchemeThatDisagreesWithTheHash() throws {
        let file = try parse("a@acme.nl:{MD5-CRYPT}\(SampleHashes.sha512)\n", .dovecot)
        #expect(file.records.isEmpty)
        #expect(file.refused.count == 1)
    }

    @Test func readsShadowInBothForms() throws {
        let file = try parse(
            """
            alice:\(SampleHashes.yescrypt):19000:0:99999:7:::
            bob:!\(SampleHashes.sha512)
            daemon:*:19000:0:99999:7:::
            carol:\(SampleHashes.des)
            """, .shadow)
        #expect(file.records.map(\.name) == ["alice", "bob", "carol"])
        #expect(file.records.map(\.locked) == [false, true, false])
        #expect(file.refused.map(\.name) == ["daemon"])
    }

    @Test func readsPureFTPdAndRefusesItsArgon2() throws {
        let file = try parse(
            """
            joe:$argon2id$v=19$m=8192,t=1023,p=1$sotHIKIdAatNDdOPWNNP/A$nRJcsy7+Q32Kxf19yQAA6QLo45bcWEgfnv23OgBMb1w:1001:1001::/srv/ftp/joe/./::::::::::::
            ann:\(SampleHashes.md5):1001:1001::/srv/ftp/ann/./::::::::::::
            """, .pureFTPd)
        #expect(file.records.map(\.name) == ["ann"])
        #expect(file.refused.map(\.name) == ["joe"])
    }

    @Test func readsProFTPd() throws {
        let file = try parse("ann:\(SampleHashes.sha256):1001:1001::/srv/ftp/ann:/bin/false\n", .proftpd)
        #expect(file.records.first?.hash == SampleHashes.sha256)
    }

    @Test(arguments: [
        ("a@acme.nl:\(SampleHashes.md5)\nb@acme.nl:x:1\n", ExportFormat.dovecot, 2),
        ("ok:\(SampleHashes.md5)\nbad name:\(SampleHashes.md5)\n", ExportFormat.shadow, 2),
        ("ok:\(SampleHashes.md5)\nok:\(SampleHashes.md5)\n", ExportFormat.shadow, 2),
        ("ok:\(SampleHashes.md5)\r\n", ExportFormat.shadow, 1),
        ("\n\nok:\(SampleHashes.md5):x:1::/h:/bin/sh\n", ExportFormat.proftpd, 3),
        ("ok:\(SampleHashes.md5):1:1::/h\n", ExportFormat.pureFTPd, 1),
        ("nodomain:\(SampleHashes.md5)\n", ExportFormat.dovecot, 1),
        ("ok@acme.nl:\(SampleHashes.md5)\na/b@acme.nl:\(SampleHashes.md5)\n", ExportFormat.dovecot, 2),
    ])
    func aMalformedLineFailsTheWholeFileWithItsNumber(text: String, format: ExportFormat, line: Int) {
        let error = #expect(throws: WachterError.self) { try parse(text, format) }
        #expect(error?.message.hasPrefix("line \(line) ") == true)
        #expect(error?.message.contains(SampleHashes.md5) == false)
    }
}
