import Foundation
import Testing
import WachterAgent
import WachterCore

struct DovecotPolicyConfigurationTests {
    @Test(arguments: [
        ("4001", "127.0.0.1", 4001), (":4001", "127.0.0.1", 4001), ("127.0.0.2:80", "127.0.0.2", 80),
        ("[::1]:4001", "::1", 4001), ("localhost:9", "localhost", 9),
    ])
    func addressesParseWithLoopbackAsTheDefault(text: String, host: String, port: Int) throws {
        let parsed = try DovecotPolicyConfiguration.parseAddress(text)
        #expect(parsed.host == host)
        #expect(parsed.port == port)
    }

    @Test(arguments: ["", "host:", "host:0", "host:65536", "[::1]", "[::1]4001", "x:y"])
    func badAddressesSayWhatIsWrong(text: String) {
        #expect(throws: WachterError.self) { try DovecotPolicyConfiguration.parseAddress(text) }
    }

    @Test func theAPIHeaderSettingReadsLikeDovecots() {
        let named = DovecotPolicyConfiguration.HeaderCredential(dovecotSetting: "X-Policy-Token: s3cret")
        #expect(named.name == "X-Policy-Token")
        #expect(named.value.matches(Array("s3cret".utf8)))
        #expect(!named.value.matches(Array("s3cret ".utf8)))
        let bare = DovecotPolicyConfiguration.HeaderCredential(dovecotSetting: "s3cret")
        #expect(bare.name == "X-API-Key")
        #expect("\(bare.value)" == "<redacted>")
    }

    @Test func aCredentialFileReadableByOthersIsRefused() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("wachter-cred-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        _ = FileManager.default.createFile(
            atPath: path, contents: Data("dovecot:pa55\n".utf8), attributes: [.posixPermissions: 0o644])
        #expect(throws: WachterError.self) { try DovecotPolicyConfiguration.readCredential(path) }
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
        #expect(try DovecotPolicyConfiguration.readCredential(path) == "dovecot:pa55")
    }
}
