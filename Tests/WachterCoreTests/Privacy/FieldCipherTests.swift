import Foundation
import Testing

@testable import WachterCore

struct FieldCipherTests {
    let cipher = FieldCipher(ring: KeyRing([KeyRing.Entry.generate()])!)
    let binding = FieldBinding("customer", "acme", "address")

    @Test func aSealedValueOpensInItsOwnRow() throws {
        let sealed = try cipher.seal("Kanariestraat 7", binding)
        #expect(sealed.hasPrefix(FieldCipher.prefix + cipher.ring.currentID + "."))
        #expect(!sealed.contains("Kanarie"))
        #expect(try cipher.open(sealed, binding) == "Kanariestraat 7")
    }

    @Test func sealingTwiceGivesDifferentText() throws {
        #expect(try cipher.seal("Utrecht", binding) != cipher.seal("Utrecht", binding))
    }

    @Test(arguments: [
        FieldBinding("customer", "bakker", "address"), FieldBinding("customer", "acme", "city"),
        FieldBinding("login_event", "acme", "address"),
    ])
    func aValueCopiedToAnotherRowOrColumnDoesNotDecrypt(other: FieldBinding) throws {
        let sealed = try cipher.seal("Kanariestraat 7", binding)
        #expect { try cipher.open(sealed, other) } throws: { ($0 as? WachterError)?.code == .decryptionFailed }
    }

    @Test func aChangedByteDoesNotDecrypt() throws {
        var sealed = Array(try cipher.seal("Kanariestraat 7", binding))
        // A character in the middle of the base64 (the last ones may be padding bits).
        let index = sealed.count / 2 + 10
        sealed[index] = sealed[index] == "A" ? "B" : "A"
        #expect { try cipher.open(String(sealed), binding) } throws: { ($0 as? WachterError)?.code == .decryptionFailed }
    }

    @Test func aValueUnderAnotherKeyIsAClearErrorNotGarbage() throws {
        let other = FieldCipher(ring: KeyRing([KeyRing.Entry.generate()])!)
        let sealed = try other.seal("Kanariestraat 7", binding)
        #expect { try cipher.open(sealed, binding) } throws: { error in
            let error = error as? WachterError
            return error?.code == .decryptionFailed && error?.message.contains(other.ring.currentID) == true
        }
    }

    @Test func anOlderKeyOfTheRingStillOpensWhatItSealed() throws {
        let sealed = try cipher.seal("Utrecht", binding)
        let rotated = FieldCipher(ring: cipher.ring.adding())
        #expect(try rotated.open(sealed, binding) == "Utrecht")
        #expect(FieldCipher.keyID(of: try rotated.seal("Utrecht", binding)) == rotated.ring.currentID)
    }

    @Test func aPlainValueStoredBeforeEncryptionReadsAsItIs() throws {
        #expect(try cipher.open("Utrecht", binding) == "Utrecht")
        #expect(FieldCipher.keyID(of: "Utrecht") == nil)
    }

    @Test func theDigestIsKeyedAndStable() {
        let other = FieldCipher(ring: KeyRing([KeyRing.Entry.generate()])!)
        #expect(cipher.digest("192.0.2.1") == cipher.digest("192.0.2.1"))
        #expect(cipher.digest("192.0.2.1") != cipher.digest("192.0.2.2"))
        #expect(cipher.digest("192.0.2.1") != other.digest("192.0.2.1"))
        #expect(!cipher.digest("192.0.2.1").contains("192"))
    }
}
