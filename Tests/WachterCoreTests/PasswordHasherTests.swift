import Testing

@testable import WachterCore

struct PasswordHasherTests {
    /// Hashes made by Debian's `mkpasswd` (whois package) of the password `Wachter-vector-1`.
    static let mkpasswdVectors: [(HashMethod, String)] = [
        (.yescrypt, "$y$j9T$r3Q5/H8DUHUQEXqsq6Z4w0$GQTIeYmomUjvV1ums0DakWP3uGq6O5JAALuVsLPiSV9"),
        (.bcrypt, "$2b$05$zBYeMhiP0mEOwnK0gP1Esu9yZaxL9iA6a8xEUa/dAkWhwp2I/Oyq."),
        (
            .sha512crypt,
            "$6$Bw.e8xYmV6cveHLM$nzM.Q86ssL47crxf4U7Zv90k75LrIzlBk/cqMDdfZIxgRRP0i/wOaT7vwC1wpEkmkTD0Kf8mEYW6tEzcWBQeA."
        ),
        (.sha256crypt, "$5$wOun8TsOOvrTG5H6$jZd48CQaoMPxVkf71Dd9/wmjuk.7QlR16gXt4QzH6I3"),
        (.md5crypt, "$1$wOxKbaW4$VdDUu8UBKRgTM9bam0AxS/"),
        (.descrypt, "Xf8bLuiA5XWRw"),
    ]

    @Test(arguments: mkpasswdVectors)
    func mkpasswdHashesVerifyWithTheRightPasswordOnly(method: HashMethod, hash: String) throws {
        let hasher = try PasswordHasher()
        #expect(HashMethod.identify(hash) == method)
        #expect(hasher.verify(Secret("Wachter-vector-1"), against: hash) != .mismatch)
        if case .match = hasher.verify(Secret("Wachter-vector-1"), against: hash) {
        } else {
            Issue.record("the mkpasswd \(method) vector did not match")
        }
        // DES-crypt reads only the first 8 bytes, so the wrong password differs early.
        #expect(hasher.verify(Secret("wachter-vector-1"), against: hash) == .mismatch)
    }

    @Test(arguments: HashMethod.configurable)
    func everyConfigurableMethodRoundTrips(method: HashMethod) throws {
        let hasher = try PasswordHasher(policy: HashingPolicy(method: method))
        let hash = try hasher.hash(Secret("a long and winding road"))
        #expect(HashMethod.identify(hash) == method)
        #expect(hasher.verify(Secret("a long and winding road"), against: hash) == .match(needsRehash: false))
        #expect(hasher.verify(Secret("a long and winding roaD"), against: hash) == .mismatch)
        let again = try hasher.hash(Secret("a long and winding road"))
        #expect(again != hash, "each hash has a fresh salt")
    }

    @Test func theDefaultMethodIsYescryptAtLibxcryptsDefaultCost() throws {
        let hasher = try PasswordHasher()
        #expect(hasher.policy.method == .yescrypt)
        let hash = try hasher.hash(Secret("x"))
        #expect(hash.hasPrefix("$y$j9T$"))
    }

    @Test func aWeakerMethodOrCostNeedsRehash() throws {
        let hasher = try PasswordHasher(policy: HashingPolicy(method: .bcrypt, cost: 6))
        let cheap = try PasswordHasher(policy: HashingPolicy(method: .bcrypt, cost: 4)).hash(Secret("pw"))
        #expect(hasher.verify(Secret("pw"), against: cheap) == .match(needsRehash: true))
        #expect(hasher.assess(cheap).belowPolicy?.contains("cost 04") == true)
        let current = try hasher.hash(Secret("pw"))
        #expect(hasher.verify(Secret("pw"), against: current) == .match(needsRehash: false))
        let yescrypt = try PasswordHasher()
        #expect(yescrypt.assess(Self.mkpasswdVectors[4].1).belowPolicy?.contains("md5crypt") == true)
        let lowYescrypt = try PasswordHasher(policy: HashingPolicy(method: .yescrypt, cost: 3)).hash(Secret("pw"))
        #expect(yescrypt.verify(Secret("pw"), against: lowYescrypt) == .match(needsRehash: true))
        let highYescrypt = try PasswordHasher(policy: HashingPolicy(method: .yescrypt, cost: 6)).hash(Secret("pw"))
        #expect(yescrypt.verify(Secret("pw"), against: highYescrypt) == .match(needsRehash: false))
    }

    @Test func sha512RoundsAreReadFromTheSetting() throws {
        let hasher = try PasswordHasher(policy: HashingPolicy(method: .sha512crypt, cost: 10_000))
        #expect(hasher.assess(Self.mkpasswdVectors[2].1).belowPolicy == "cost rounds=5000, policy wants rounds=10000")
        let hash = try hasher.hash(Secret("pw"))
        #expect(hash.hasPrefix("$6$rounds=10000$"))
    }

    @Test func badPoliciesAreRefusedWithASentence() {
        #expect(throws: WachterError.self) { try PasswordHasher(policy: HashingPolicy(method: .md5crypt)) }
        #expect(throws: WachterError.self) { try PasswordHasher(policy: HashingPolicy(method: .bcrypt, cost: 40)) }
    }

    @Test func garbageHashesAreUnsupportedNotMatches() throws {
        let hasher = try PasswordHasher()
        #expect(hasher.verify(Secret("pw"), against: "*") == .unsupported)
        #expect(hasher.verify(Secret("pw"), against: "") == .unsupported)
        #expect(hasher.verify(Secret("pw"), against: "{PLAIN}pw") == .unsupported)
    }

    @Test func passwordsWithNULOrOverTheCapAreRefused() throws {
        let hasher = try PasswordHasher()
        #expect(throws: WachterError.self) { try hasher.hash(Secret(bytes: [0x61, 0x00, 0x62])) }
        #expect(throws: WachterError.self) { try hasher.hash(Secret(String(repeating: "a", count: 1025))) }
    }

    @Test func unicodeIsNormalisedToNFKCBeforeHashing() throws {
        let hasher = try PasswordHasher()
        // "é" precomposed (U+00E9) and decomposed (e + U+0301) are the same password;
        // so are the ligature "ﬁ" (U+FB01) and "fi" under NFKC.
        let hash = try hasher.hash(Secret("caf\u{E9} ﬁx"))
        #expect(hasher.verify(Secret("cafe\u{301} fix"), against: hash) == .match(needsRehash: false))
    }
}
