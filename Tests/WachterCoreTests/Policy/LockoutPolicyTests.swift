import Foundation
import Testing
import WachterCore

struct LockoutPolicyTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)
    static let policy = LockoutPolicy(settings: LockoutSettings())

    static func minutesAgo(_ minutes: [Double]) -> [Date] { minutes.map { now.addingTimeInterval(-$0 * 60) } }

    @Test func locksAfterFailuresWithinTheWindow() {
        let nine = LoginFailureHistory(accountFailures: Self.minutesAgo((0..<9).map(Double.init)), consecutiveFailures: 9)
        #expect(Self.policy.afterFailure(nine, at: Self.now) == .allow)
        let ten = LoginFailureHistory(accountFailures: Self.minutesAgo((0..<10).map(Double.init)), consecutiveFailures: 10)
        #expect(Self.policy.afterFailure(ten, at: Self.now) == .accountLocked(until: Self.now.addingTimeInterval(15 * 60)))
        let spread = LoginFailureHistory(
            accountFailures: Self.minutesAgo((0..<10).map { Double($0) * 3 }), consecutiveFailures: 10)
        #expect(Self.policy.afterFailure(spread, at: Self.now) == .allow)
    }

    @Test func lockedAccountsStayLockedUntilTheEnd() {
        let until = Self.now.addingTimeInterval(60)
        let history = LoginFailureHistory(lockedUntil: until)
        #expect(Self.policy.beforeAttempt(history, at: Self.now) == .accountLocked(until: until))
        #expect(Self.policy.beforeAttempt(history, at: until.addingTimeInterval(1)) == .allow)
    }

    @Test func oneSourceIsThrottledWithoutLockingAccounts() {
        let history = LoginFailureHistory(sourceFailures: Self.minutesAgo((0..<30).map { Double($0) * 0.2 }))
        #expect(
            Self.policy.beforeAttempt(history, at: Self.now)
                == .sourceThrottled(until: Self.now.addingTimeInterval(-5.8 * 60 + 15 * 60)))
        let fewer = LoginFailureHistory(sourceFailures: Self.minutesAgo((0..<29).map(Double.init)))
        #expect(Self.policy.beforeAttempt(fewer, at: Self.now) == .allow)
    }

    @Test func neverMoreThanOneHundredConsecutiveFailures() {
        var settings = LockoutSettings()
        settings.maxConsecutiveFailures = 1000
        let policy = LockoutPolicy(settings: settings)
        let history = LoginFailureHistory(consecutiveFailures: 100)
        #expect(policy.beforeAttempt(history, at: Self.now) == .accountDisabled)
        #expect(policy.afterFailure(history, at: Self.now) == .accountDisabled)
        #expect(Self.policy.beforeAttempt(LoginFailureHistory(consecutiveFailures: 99), at: Self.now) == .allow)
    }
}
