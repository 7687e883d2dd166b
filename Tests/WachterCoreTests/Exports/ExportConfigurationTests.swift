import Testing
import WachterCore

struct ExportConfigurationTests {
    static let sample = """
        [defaults]
        uid = 5000
        gid = 5000
        home = "/var/vmail/%d/%n"
        mail = "maildir:~/Maildir"

        [customers.acme]
        uid = 5001
        home = "/srv/ftp/%c/./%u"

        [domains."ACME.nl"]
        home = "/srv/mail/%d/%n"
        extra = ["userdb_quota_rule=*:storage=1G"]

        [[targets]]
        format = "dovecot"
        path = "/etc/dovecot/users"
        group = "dovecot"
        mode = "0640"
        reload = ["doveadm", "auth", "cache", "flush"]

        [[targets]]
        format = "pure-ftpd"
        path = "/etc/pure-ftpd/pureftpd.passwd"
        customers = ["acme"]

        [[targets]]
        format = "dovecot"
        path = "/etc/dovecot/acme-users"
        domains = ["ACME.nl", "bücher.example"]
        """

    @Test func readsTemplatesAndTargets() throws {
        let configuration = try ExportConfiguration.parse(Self.sample)
        #expect(configuration.targets.count == 3)
        #expect(configuration.targets[2].domains == ["acme.nl", "xn--bcher-kva.example"])
        #expect(configuration.targets[0].domains == nil)
        #expect(configuration.targets[0].kind == .mailbox)
        #expect(configuration.targets[0].mode == 0o640)
        #expect(configuration.targets[1].kind == .ftp)
        #expect(configuration.targets[1].customers == ["acme"])
        #expect(configuration.domains["acme.nl"] != nil)
    }

    @Test func domainOverridesCustomerOverridesDefaults() throws {
        let configuration = try ExportConfiguration.parse(Self.sample)
        let mailbox = try configuration.fields(name: "info@acme.nl", customerID: "acme")
        #expect(
            mailbox
                == UserFields(
                    uid: 5001, gid: 5000, home: "/srv/mail/acme.nl/info", mail: "maildir:~/Maildir",
                    extra: ["userdb_quota_rule=*:storage=1G"]))
        let ftp = try configuration.fields(name: "bob", customerID: "acme")
        #expect(ftp.home == "/srv/ftp/acme/./bob")
        let other = try configuration.fields(name: "x@other.nl", customerID: "other")
        #expect(other.home == "/var/vmail/other.nl/x")
        #expect(other.uid == 5000)
    }

    @Test(arguments: [
        "[[targets]]\nformat = \"dovecot\"\npath = \"/x\"\nmode = \"0644\"",
        "[[targets]]\nformat = \"mysql\"\npath = \"/x\"",
        "[[targets]]\nformat = \"dovecot\"\npath = \"relative\"",
        "[[targets]]\nformat = \"dovecot\"\npath = \"/x\"\ndomains = [\"not a domain\"]",
        "[defaults]\nhomedir = \"/x\"",
        "[defaults\nuid = 1",
        "[defaults]\nuid = -1",
    ])
    func refusesBadConfigurations(text: String) {
        #expect(throws: WachterError.self) { try ExportConfiguration.parse(text) }
    }

    @Test func refusesUnknownPlaceholdersAndSlashesInPaths() throws {
        let unknown = try ExportConfiguration.parse("[defaults]\nhome = \"/x/%q\"")
        #expect(throws: WachterError.self) { try unknown.fields(name: "a@b.nl", customerID: "c") }
        let path = try ExportConfiguration.parse("[defaults]\nhome = \"/x/%n\"")
        #expect(throws: WachterError.self) { try path.fields(name: "a/b@b.nl", customerID: "c") }
        #expect(try path.fields(name: "a%b@b.nl", customerID: "c").home == "/x/a%b")
        let lone = try ExportConfiguration.parse("[defaults]\nmail = \"maildir:%\"")
        #expect(throws: WachterError.self) { try lone.fields(name: "a@b.nl", customerID: "c") }
    }

    @Test func expandsEveryPlaceholderAndAPercentSign() throws {
        let configuration = try ExportConfiguration.parse(
            "[defaults]\nhome = \"/srv/%c/%d/%n\"\nshell = \"/bin/%%sh\"\nmail = \"%u:100%%\"\nextra = [\"x=%c%%\"]")
        let fields = try configuration.fields(name: "info@acme.nl", customerID: "acme")
        #expect(
            fields
                == UserFields(
                    home: "/srv/acme/acme.nl/info", shell: "/bin/%sh", mail: "info@acme.nl:100%", extra: ["x=acme%"]))
    }

    @Test func findsATargetByItsPath() throws {
        let configuration = try ExportConfiguration.parse(Self.sample)
        #expect(configuration.target(forPath: "/etc/dovecot/../dovecot/users")?.format == .dovecot)
        #expect(configuration.target(forPath: "/etc/other") == nil)
    }
}
