import Testing
import WachterCore

struct ExportFormatTests {
    static let fields = UserFields(
        uid: 5000, gid: 5000, home: "/var/vmail/acme.nl/info", shell: "/usr/sbin/nologin", mail: "maildir:~/Maildir")

    @Test(arguments: [
        (SampleHashes.yescrypt, "CRYPT"), (SampleHashes.bcrypt, "BLF-CRYPT"), (SampleHashes.sha512, "SHA512-CRYPT"),
        (SampleHashes.sha256, "SHA256-CRYPT"), (SampleHashes.md5, "MD5-CRYPT"), (SampleHashes.des, "CRYPT"),
    ])
    func dovecotLinesCarryTheSchemeOfEachMethod(hash: String, scheme: String) throws {
        let entry = ExportEntry(name: "info@acme.nl", kind: .mailbox, hash: hash, locked: false, fields: Self.fields)
        let line = try ExportLine.line(.dovecot, entry)
        #expect(line == "info@acme.nl:{\(scheme)}\(hash):5000:5000::/var/vmail/acme.nl/info::userdb_mail=maildir:~/Maildir")
    }

    @Test func aLockedAccountGetsAHashThatCannotMatchInEveryFormat() throws {
        let entry = ExportEntry(name: "bob", kind: .ftp, hash: SampleHashes.bcrypt, locked: true, fields: Self.fields)
        #expect(try ExportLine.line(.dovecot, entry).hasPrefix("bob:{CRYPT}!$2y$"))
        #expect(try ExportLine.line(.pureFTPd, entry).hasPrefix("bob:!$2y$"))
        #expect(try ExportLine.line(.proftpd, entry).hasPrefix("bob:!$2y$"))
        #expect(try ExportLine.line(.shadow, entry) == "bob:!" + SampleHashes.bcrypt)
    }

    @Test func pureFTPdLinesHaveEighteenFields() throws {
        let entry = ExportEntry(name: "bob", kind: .ftp, hash: SampleHashes.sha512, locked: false, fields: Self.fields)
        let line = try ExportLine.line(.pureFTPd, entry)
        #expect(line.split(separator: ":", omittingEmptySubsequences: false).count == 18)
        #expect(line.hasPrefix("bob:\(SampleHashes.sha512):5000:5000::/var/vmail/acme.nl/info:"))
    }

    @Test func proftpdLinesAreSevenPasswdFields() throws {
        let entry = ExportEntry(name: "bob", kind: .ftp, hash: SampleHashes.md5, locked: false, fields: Self.fields)
        #expect(
            try ExportLine.line(.proftpd, entry) == "bob:\(SampleHashes.md5):5000:5000::/var/vmail/acme.nl/info:/usr/sbin/nologin"
        )
    }

    @Test func ftpFormatsRefuseAMissingOrRootUid() {
        let missing = ExportEntry(name: "bob", kind: .ftp, hash: SampleHashes.md5, locked: false)
        #expect(throws: WachterError.self) { try ExportLine.line(.pureFTPd, missing) }
        #expect(throws: WachterError.self) { try ExportLine.line(.proftpd, missing) }
        var root = missing
        root.fields = UserFields(uid: 0, gid: 0, home: "/srv/ftp")
        #expect(throws: WachterError.self) { try ExportLine.line(.pureFTPd, root) }
    }

    @Test(arguments: ["evil:x", "evil\nroot::0:0::/root:/bin/sh", "evil\0", "Evil@ACME.nl", "two words", ""])
    func aHostileNameNeverReachesALine(name: String) {
        let entry = ExportEntry(name: name, kind: .mailbox, hash: SampleHashes.yescrypt, locked: false)
        for format in ExportFormat.allCases {
            #expect(throws: WachterError.self) { try ExportLine.line(format, entry) }
        }
    }

    @Test(arguments: ["", "plain-text-password", "$6$salt$hash:0:0", "$y$j9T$a\nb", "!" + SampleHashes.yescrypt])
    func aHostileHashNeverReachesALine(hash: String) throws {
        let entry = ExportEntry(name: "bob", kind: .ssh, hash: hash, locked: false)
        let error = #expect(throws: WachterError.self) { try ExportLine.line(.shadow, entry) }
        #expect(error?.description.contains(hash.isEmpty ? "\u{1}" : hash) == false)
    }

    @Test(arguments: ["/home/a:b", "/home/a b", "relative/home", "/home/../root", "/home/a\tb"])
    func aHostileHomeIsRefused(home: String) {
        let entry = ExportEntry(
            name: "bob", kind: .ftp, hash: SampleHashes.md5, locked: false, fields: UserFields(uid: 1000, gid: 1000, home: home))
        #expect(throws: WachterError.self) { try ExportLine.line(.proftpd, entry) }
    }

    @Test func dovecotExtraFieldsMayHoldColonsButNotSpaces() throws {
        var entry = ExportEntry(name: "bob@acme.nl", kind: .mailbox, hash: SampleHashes.md5, locked: false)
        entry.fields.extra = ["userdb_quota_rule=*:storage=1G"]
        #expect(try ExportLine.line(.dovecot, entry).hasSuffix("::userdb_quota_rule=*:storage=1G"))
        entry.fields.extra = ["nologin reason=x"]
        #expect(throws: WachterError.self) { try ExportLine.line(.dovecot, entry) }
    }

    @Test func eachFormatHasItsUsualKind() {
        #expect(ExportFormat.dovecot.defaultKind == .mailbox)
        #expect(ExportFormat.pureFTPd.defaultKind == .ftp)
        #expect(ExportFormat.proftpd.defaultKind == .ftp)
        #expect(ExportFormat.shadow.defaultKind == .ssh)
    }
}
