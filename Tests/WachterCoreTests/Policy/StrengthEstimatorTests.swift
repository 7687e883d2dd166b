import Foundation
import Testing
import WachterCore

/// Passwords with the verdict the shipped policy must give them, and why.
struct VerdictCase: CustomTestStringConvertible, Sendable {
    let password: String
    let accept: Bool
    let why: String
    var context: [String] = ["info@bakkerij-jansen.nl", "Bakkerij Jansen", "Bakkerij Jansen B.V."]
    var code: String? = nil
    var testDescription: String { why }
}

struct StrengthEstimatorTests {
    static let cases: [VerdictCase] = [
        VerdictCase(password: "qwertyuiopasdfgh", accept: false, why: "a qwerty row walk"),
        VerdictCase(password: "azertyuiopqsdfgh", accept: false, why: "an azerty row walk", code: "keyboard-walk"),
        VerdictCase(password: "wxcvbnqsdfghjklm", accept: false, why: "azerty bottom and middle rows", code: "keyboard-walk"),
        VerdictCase(password: "1qaz2wsx3edc4rfv", accept: false, why: "a qwerty column walk"),
        VerdictCase(password: "P@ssw0rdP@ssw0rd", accept: false, why: "a l33t common password, repeated"),
        VerdictCase(password: "W@chtw00rd123456", accept: false, why: "a l33t Dutch word with a sequence"),
        VerdictCase(password: "Rotterdam1999!!!", accept: false, why: "a Dutch city with a year"),
        VerdictCase(password: "Amsterdam19871987", accept: false, why: "a Dutch city with a repeated year"),
        VerdictCase(password: "Welkomwelkom2024", accept: false, why: "a Dutch word repeated with a year"),
        VerdictCase(password: "Bakkerij2024!Jansen", accept: false, why: "the customer's name with a year", code: "context-word"),
        VerdictCase(password: "bakkerij-jansen.nl", accept: false, why: "the mailbox's own domain", code: "context-word"),
        VerdictCase(password: "N3snaJjirekkab2024", accept: false, why: "the customer's name reversed in l33t"),
        VerdictCase(password: "abcdefghijklmnopq", accept: false, why: "an alphabet sequence", code: "sequence"),
        VerdictCase(password: "aaaaaaaaaaaaaaaaa", accept: false, why: "one character repeated", code: "repeated"),
        VerdictCase(password: "1234567890123456", accept: false, why: "digits in order"),
        VerdictCase(password: "drowssapdrowssap", accept: false, why: "a common password reversed and repeated"),
        VerdictCase(password: "Jansen12-05-1987", accept: false, why: "a Dutch surname with a date", context: []),
        VerdictCase(password: "michael1987smith", accept: false, why: "an English name, a year and a surname"),
        VerdictCase(password: "ｐａｓｓｗｏｒｄｐａｓｓｗｏｒｄ", accept: false, why: "full-width letters are NFKC-normalised first"),
        VerdictCase(
            password: "ééééééééééééé\u{0065}\u{0301}", accept: false, why: "14 characters after NFKC, though 28 bytes",
            code: "too-short"),
        VerdictCase(password: "correct horse battery staple", accept: true, why: "a four-word passphrase"),
        VerdictCase(password: "tackled scoffing tallness floppy", accept: true, why: "a random four-word passphrase"),
        VerdictCase(password: "paraplu giraffe vensterbank lucifer", accept: true, why: "a Dutch four-word passphrase"),
        VerdictCase(password: "Kx9#mQ2$vL7@pR4z", accept: true, why: "sixteen random characters"),
        VerdictCase(password: "schöne grüße aus köln am rhein", accept: true, why: "a long Unicode passphrase"),
        VerdictCase(password: "Ĳsvogel Ȿchaats Ŀuchtballon ĳzer", accept: true, why: "Unicode letters that NFKC changes"),
    ]

    static let policy: PasswordPolicy = {
        // swift-format-ignore: NeverUseForceTry
        try! PasswordPolicy(kind: "mailbox", policy: WachterPolicy())
    }()

    @Test(arguments: cases)
    func shippedPolicyGivesTheExpectedVerdict(_ item: VerdictCase) {
        let verdict = Self.policy.evaluate(Secret(item.password), context: StrengthContext(item.context), at: Date())
        switch verdict {
        case .accept(let log10):
            #expect(item.accept, "accepted at 10^\(log10): \(item.why)")
        case .reject(let refusal):
            #expect(!item.accept, "rejected (\(refusal.code)): \(item.why)")
            if let code = item.code { #expect(refusal.code == code) }
            #expect(!refusal.reason.contains(item.password))
        }
    }

    @Test func keyboardWalksAreFoundOnQwertyAndAzerty() {
        // No dictionaries, so that listed walks such as "zxcvbnm" show as walks.
        let estimator = StrengthEstimator(dictionaries: [])
        for (password, layout) in [("zxcvbnm", "qwerty"), ("qsdfghjklm", "azerty"), ("wxcvbn", "azerty"), ("74123698", "keypad")]
        {
            let layouts = estimator.estimate(password).matches.compactMap { match -> String? in
                if case .keyboardWalk(let name, _, _) = match.kind { return name }
                return nil
            }
            #expect(layouts.contains(layout), "\(password) on \(layout)")
        }
    }

    @Test func l33tAndReversedWordsAreRecognised() {
        let estimate = StrengthEstimator.builtIn.estimate("p4$$w0rd")
        #expect(estimate.matches.count == 1)
        #expect(estimate.matches[0].kind == .dictionary(name: "passwords", rank: 2, reversed: false, l33t: true))
        let reversed = StrengthEstimator.builtIn.estimate("nommelk")
        #expect(reversed.matches.contains { if case .dictionary(_, _, true, _) = $0.kind { true } else { false } })
    }

    @Test func datesAndYearsAreRecognised() {
        let estimate = StrengthEstimator(dictionaries: [], referenceYear: 2026).estimate("xq12/05/1987")
        #expect(estimate.matches.contains { $0.kind == .date(year: 1987) })
        let year = StrengthEstimator(dictionaries: [], referenceYear: 2026).estimate("2024")
        #expect(year.matches.first?.kind == .year(2024))
        #expect(year.guessesLog10 < 2)
    }

    @Test func contextWordsNeedTheContext() {
        let withContext = StrengthEstimator.builtIn.estimate("Bakkerij2024!", context: ["Bakkerij Jansen"])
        #expect(withContext.issue == .contextWord)
        #expect(withContext.guessesLog10 < 8)
    }

    @Test func estimatesAreFastEnough() {
        let passwords = (0..<500).map { "Summer\($0)Bakkerij!\($0 % 7)qwerty" }
        let clock = ContinuousClock()
        let elapsed = clock.measure {
            for password in passwords { _ = StrengthEstimator.builtIn.estimate(password) }
        }
        // Debug builds are some thirty times slower than release (the built-in
        // table's binary searches are many small calls), and a loaded machine slows
        // them further; this bound only catches an accidental quadratic blow-up.
        #expect(elapsed < .seconds(60))
    }

    @Test func feedbackExistsInBothLanguages() {
        for issue in StrengthIssue.allCases {
            #expect(issue.reason(in: .en) != issue.reason(in: .nl))
            #expect(!issue.suggestion(in: .nl).isEmpty)
        }
    }
}
