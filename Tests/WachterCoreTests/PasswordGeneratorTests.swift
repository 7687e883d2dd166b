import Testing
import WachterCore

struct PasswordGeneratorTests {
    @Test func generatedPasswordsAreFourGroupsOfFiveUnambiguousCharacters() {
        for _ in 0..<200 {
            let text = PasswordGenerator.generate().withBytes { String(decoding: $0, as: UTF8.self) }
            let groups = text.split(separator: "-")
            #expect(groups.count == 4)
            #expect(groups.allSatisfy { $0.count == 5 })
            #expect(!text.contains { "01ilo".contains($0) })
            #expect(text.allSatisfy { $0 == "-" || PasswordGenerator.alphabet.contains(UInt8($0.asciiValue ?? 0)) })
        }
    }

    @Test func entropyIsAtLeastEightyBits() {
        #expect(PasswordGenerator.entropyBits >= 80)
        #expect(PasswordGenerator.entropyBits < 100)
    }

    @Test func passwordsDiffer() {
        var seen = Set<String>()
        for _ in 0..<1000 {
            seen.insert(PasswordGenerator.generate().withBytes { String(decoding: $0, as: UTF8.self) })
        }
        #expect(seen.count == 1000)
    }
}
