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

    /// An export takes a quick look at most names; whatever it lets through must be
    /// exactly what the full check (Names.account) keeps as it is.
    @Test(arguments: [
        "info@acme.nl", "i.n.f.o@acme.nl", "!#$%&'*+-/=?^_`{|}~@acme.nl", String(repeating: "a", count: 64) + "@acme.nl",
        "x@" + String(repeating: "a", count: 63) + "." + String(repeating: "b", count: 63) + "."
            + String(repeating: "c", count: 63) + ".nl",
        String(repeating: "a", count: 64) + "@" + String(repeating: String(repeating: "b", count: 46) + ".", count: 4) + "nl",
        "info@xn--bckerei-5wa.de", "Info@acme.nl", ".info@acme.nl", "info.@acme.nl", "in..fo@acme.nl", "in(fo@acme.nl",
        "in\"fo@acme.nl", "bäcker@acme.nl", "info@ACME.nl", "info@acme.nl.", "info@bäckerei.de", "info@acme",
        String(repeating: "a", count: 65) + "@acme.nl", "@acme.nl", "info@", "a@b@acme.nl", "info@-acme.nl", "info@acme..nl",
        "info@\u{301}acme.nl",
    ])
    func aMailboxIsExportedExactlyWhenItsNameIsCanonical(name: String) {
        let canonical = (try? Names.account(name, kind: .mailbox)) == name
        let entry = ExportEntry(name: name, kind: .mailbox, hash: SampleHashes.yescrypt, locked: false)
        #expect(((try? ExportLine.line(.shadow, entry)) != nil) == canonical)
    }

    @Test(arguments: ["", "plain-text-password", "$6$salt$hash:0:0", "$y$j9T$a\nb", "!" + SampleHashes.yescrypt])
    func aHostileHashNeverReachesALine(hash: String) throws {
        let entry = ExportEntry(name: "bob", kind: .ssh, hash: hash, locked: false)
        let error = #expect(throws: WachterError.self) { try ExportLine.line(.shadow, entry) }
        #expect(error?.description.contains(hash.isEmpty ? "\u{1}" : hash) == false)
    }

    @Test(arguments: [
        "/home/a:b", "/home/a b", "relative/home", "/home/../root", "/home/a\tb", "/home/..", "/home/a\u{00A0}b",
        "/home/a\u{2028}b", "//..//x",
    ])
    func aHostileHomeIsRefused(home: String) {
        let entry = ExportEntry(
            name: "bob", kind: .ftp, hash: SampleHashes.md5, locked: false, fields: UserFields(uid: 1000, gid: 1000, home: home))
        #expect(throws: WachterError.self) { try ExportLine.line(.proftpd, entry) }
    }

    @Test func aHomeOutsideASCIIIsWrittenAsItIs() throws {
        let entry = ExportEntry(
            name: "bob", kind: .ftp, hash: SampleHashes.md5, locked: false,
            fields: UserFields(uid: 1000, gid: 1000, home: "/srv/bäckerei/.../bob", shell: "/bin/sh"))
        #expect(try ExportLine.line(.proftpd, entry) == "bob:\(SampleHashes.md5):1000:1000::/srv/bäckerei/.../bob:/bin/sh")
    }

    @Test func dovecotExtraFieldsMayHoldColonsButNotSpaces() throws {
        var entry = ExportEntry(name: "bob@acme.nl", kind: .mailbox, hash: SampleHashes.md5, locked: false)
        entry.fields.extra = ["userdb_quota_rule=*:storage=1G"]
        #expect(try ExportLine.line(.dovecot, entry).hasSuffix("::userdb_quota_rule=*:storage=1G"))
        entry.fields.extra = ["nologin reason=x"]
        #expect(throws: WachterError.self) { try ExportLine.line(.dovecot, entry) }
        entry.fields.extra = [""]
        #expect(throws: WachterError.self) { try ExportLine.line(.dovecot, entry) }
        entry.fields.extra = []
        entry.fields.mail = "maildir:~/Mail\u{2028}dir"
        #expect(throws: WachterError.self) { try ExportLine.line(.dovecot, entry) }
    }

    @Test func eachFormatHasItsUsualKind() {
        #expect(ExportFormat.dovecot.defaultKind == .mailbox)
        #expect(ExportFormat.pureFTPd.defaultKind == .ftp)
        #expect(ExportFormat.proftpd.defaultKind == .ftp)
        #expect(ExportFormat.shadow.defaultKind == .ssh)
    }
}
