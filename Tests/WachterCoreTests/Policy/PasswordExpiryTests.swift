import Foundation
import Testing
import WachterCore

struct PasswordExpiryTests {
    static let setAt = Date(timeIntervalSince1970: 1_800_000_000)
    static let day: TimeInterval = 86_400

    @Test func expiresAfterMaxAgeAndWarnsBefore() {
        var rotation = RotationSettings()
        rotation.maxAgeDays = 90
        rotation.warnDays = 14
        let expiry = PasswordExpiry(rotation: rotation)
        let end = Self.setAt.addingTimeInterval(90 * Self.day)
        #expect(expiry.expiry(setAt: Self.setAt) == end)
        #expect(expiry.status(setAt: Self.setAt, mustChange: false, at: Self.setAt) == .valid(until: end))
        #expect(
            expiry.status(setAt: Self.setAt, mustChange: false, at: end.addingTimeInterval(-10 * Self.day))
                == .warning(until: end, daysLeft: 10))
        #expect(expiry.status(setAt: Self.setAt, mustChange: false, at: end) == .expired(since: end))
        #expect(expiry.status(setAt: Self.setAt, mustChange: true, at: Self.setAt) == .mustChange)
    }

    @Test func zeroMeansNever() {
        var rotation = RotationSettings()
        rotation.maxAgeDays = 0
        let expiry = PasswordExpiry(rotation: rotation)
        #expect(expiry.expiry(setAt: Self.setAt) == nil)
        #expect(expiry.status(setAt: Self.setAt, mustChange: false, at: Self.setAt.addingTimeInterval(9999 * Self.day)) == .never)
    }

    @Test func policyAppliesPerKind() {
        var policy = WachterPolicy()
        policy.kinds["ssh"]?.rotation.maxAgeDays = 30
        #expect(policy.passwordExpiry(setAt: Self.setAt, kind: "ssh") == Self.setAt.addingTimeInterval(30 * Self.day))
        #expect(policy.passwordExpiry(setAt: Self.setAt, kind: "mailbox") == Self.setAt.addingTimeInterval(365 * Self.day))
        #expect(
            policy.expiryStatus(
                setAt: Self.setAt, kind: "ssh", mustChange: false, at: Self.setAt.addingTimeInterval(31 * Self.day))
                == .expired(since: Self.setAt.addingTimeInterval(30 * Self.day)))
    }
}
