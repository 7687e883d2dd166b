import Testing
import WachterCore

struct SecretTests {
    @Test func aSecretPrintsAsRedacted() {
        let secret = Secret("canary-9f3a")
        #expect("\(secret)" == "<redacted>")
        #expect(String(reflecting: secret) == "<redacted>")
        #expect(!"\([secret])".contains("canary"))
    }

    @Test func secretsCompareByContent() {
        #expect(Secret("abc").constantTimeEquals(Secret("abc")))
        #expect(!Secret("abc").constantTimeEquals(Secret("abd")))
        #expect(!Secret("abc").constantTimeEquals(Secret("abcd")))
        #expect(!Secret("").constantTimeEquals(Secret("a")))
    }

    @Test func constantTimeStringComparison() {
        #expect(ConstantTime.equals("$y$abc", "$y$abc"))
        #expect(!ConstantTime.equals("$y$abc", "$y$abd"))
        #expect(!ConstantTime.equals("", "x"))
    }
}
