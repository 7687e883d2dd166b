import Foundation
import Testing
import WachterCore

/// Every file Wachter reads or writes fails with one plain sentence: what the file is,
/// its path and the system's reason (strerror), never a Foundation error domain and code.
struct FileAccessTests {
    static let missing = "/nonexistent-wachter-dir/file"
    static var directory: String { NSTemporaryDirectory() }

    /// The sentence, whole, and nothing of Foundation's error descriptions in it.
    func expectPlain(_ error: WachterError?, _ sentence: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(error?.description == sentence, sourceLocation: sourceLocation)
        for leak in ["Domain", "Code=", "NSCocoa", "NSPOSIX", "UserInfo", "couldn"] {
            #expect(error?.description.contains(leak) == false, "\(leak)", sourceLocation: sourceLocation)
        }
    }

    @Test func aMissingPolicyFileIsNamedWithTheSystemsReason() {
        let error = #expect(throws: WachterError.self) { try PolicyFile.load(.file("/x/policy.toml")) }
        expectPlain(error, "cannot read the policy file /x/policy.toml: No such file or directory")
        #expect(error?.code == .notFound)
    }

    @Test func aPolicyPathThatIsADirectoryIsNamedWithTheSystemsReason() {
        let error = #expect(throws: WachterError.self) { try PolicyFile.load(.file(Self.directory)) }
        expectPlain(error, "cannot read the policy file \(Self.directory): Is a directory")
    }

    @Test func aMissingBlocklistIsNamedWithTheSystemsReason() {
        let error = #expect(throws: WachterError.self) { try Blocklist.load(contentsOf: Self.missing) }
        expectPlain(error, "cannot read the blocklist file \(Self.missing): No such file or directory")
    }

    @Test func aMissingBreachedPasswordFileIsNamedWithTheSystemsReason() {
        let error = #expect(throws: WachterError.self) { try BreachedPasswordFile(path: Self.missing) }
        expectPlain(error, "cannot read the breached-password file \(Self.missing): No such file or directory")
    }

    @Test func aPolicyNamingAMissingBlocklistSaysWhichKindAndWhy() throws {
        let text = "[mailbox.strength]\nblocklist_files = [\"\(Self.missing)\"]\n"
        let policy = try #require(PolicyFile.parse(text, file: "/etc/wachter/policy.toml").policy)
        let error = #expect(throws: WachterError.self) { try PolicyAcceptance(policy: policy) }
        expectPlain(
            error,
            "cannot read the blocklist file \(Self.missing) that the policy names for mailbox accounts: No such file or directory"
        )
    }

    @Test func aMissingExportConfigurationIsNamedWithTheSystemsReason() {
        let error = #expect(throws: WachterError.self) { try ExportConfiguration.load(path: Self.missing) }
        expectPlain(error, "cannot read the export configuration \(Self.missing): No such file or directory")
        #expect(error?.code == .notFound)
    }

    @Test func aMissingPasswordFileIsNamedWithTheSystemsReason() {
        let error = #expect(throws: WachterError.self) { try SecretReader.readFirstLine(ofFile: Self.missing) }
        expectPlain(error, "cannot read the password file \(Self.missing): No such file or directory")
    }
}
