import Foundation
import Testing

@testable import WachterCore

struct CompoundWordsTests {
    static func lowered(_ text: String) -> [UInt32] { text.unicodeScalars.map(\.value) }

    @Test func linksAreTheSEEnAndTheDoubledConsonant() {
        #expect(CompoundWords.links(after: 3, in: Self.lowered("zonnebloem")).sorted() == [2])
        #expect(CompoundWords.links(after: 4, in: Self.lowered("boekenkast")).sorted() == [1, 2])
        #expect(CompoundWords.links(after: 4, in: Self.lowered("huisdeur")) == [])
        #expect(CompoundWords.links(after: 5, in: Self.lowered("tafelsbloem")) == [1])
    }

    @Test func anUnlistedCompoundIsPricedAsItsPartsAndOneLink() {
        // tafel (rank 761) + s + bloem (rank 4740): not an OpenTaal word, so only the split finds it.
        let estimate = StrengthEstimator.builtIn.estimate("tafelsbloem")
        #expect(estimate.matches.map(\.kind) == [.compound(parts: 2)])
        #expect(abs(estimate.guessesLog10 - (log10(761.0) + log10(4740.0) + log10(6.0))) < 0.01)
    }

    @Test func listedCompoundsAndPlacesAreWords() {
        // zonnebloem is both an OpenTaal compound and a proper noun; either list prices it as one word,
        // and so does phrases-nl.txt an OpenTaal phrase or name of several words written together.
        for word in ["zonnebloem", "voetbalclub", "wachtwoordbeheer", "feyenoord", "zwolle", "broodjeaap", "bergenopzoom"] {
            let estimate = StrengthEstimator.builtIn.estimate(word)
            #expect(estimate.matches.count == 1, "\(word)")
            guard case .dictionary = estimate.matches.first?.kind else {
                Issue.record("\(word) is not one dictionary word")
                continue
            }
            #expect(estimate.guessesLog10 < 5.5, "\(word)")
        }
    }

    @Test func zonnebloem2019IsRefusedByTheShippedPolicy() throws {
        let policy = try PasswordPolicy(kind: "mailbox", policy: WachterPolicy())
        for password in ["Zonnebloem2019!!", "Voetbalclub2019!!", "Wachtwoordbeheer1!"] {
            guard case .reject(let refusal) = policy.evaluate(Secret(password), context: .none, at: .now) else {
                Issue.record("\(password) was accepted")
                continue
            }
            #expect(refusal.code == StrengthIssue.dictionaryWord.rawValue, "\(password)")
        }
    }
}
