import Foundation
import Testing
import WachterAgent
import WachterCore

struct FailureTrackerTests {
    let settings = LockoutSettings(
        failures: 3, window: 60, duration: 60, sourceFailures: 4, sourceWindow: 60, sourceDuration: 60)
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func theSameWrongPasswordCountsOnce() {
        let tracker = FailureTracker(settings: settings)
        let print = tracker.fingerprint(account: "a@example.nl", password: Secret("old-password"))
        let first = tracker.recordFailure(account: "a@example.nl", source: "192.0.2.1", fingerprint: print, at: start)
        let again = tracker.recordFailure(account: "a@example.nl", source: "192.0.2.1", fingerprint: print, at: start + 5)
        #expect(!first.repeated && first.accountFailures == 1)
        #expect(again.repeated && again.accountFailures == 1)
    }

    @Test func recentFailuresAreCountedWithoutCountingOne() {
        let tracker = FailureTracker(settings: settings)
        for guess in ["one", "two"] {
            _ = tracker.recordFailure(
                account: "a", source: "192.0.2.1", fingerprint: tracker.fingerprint(account: "a", password: Secret(guess)),
                at: start)
        }
        let now = tracker.recentFailures(account: "a", source: "192.0.2.1", at: start + 1)
        #expect(now.account == 2 && now.source == 2)
        #expect(tracker.recentFailures(account: "a", source: "192.0.2.1", at: start + 1) == now)
        #expect(tracker.recentFailures(account: "b", source: "192.0.2.9", at: start + 1) == (0, 0))
        let later = tracker.recentFailures(account: "a", source: "192.0.2.1", at: start + 61)
        #expect(later.account == 0 && later.source == 0)
    }

    @Test func distinctPasswordsCountAndExpireWithTheWindow() {
        let tracker = FailureTracker(settings: settings)
        for (index, guess) in ["one", "two", "three"].enumerated() {
            let verdict = tracker.recordFailure(
                account: "a", source: nil, fingerprint: tracker.fingerprint(account: "a", password: Secret(guess)),
                at: start + Double(index))
            #expect(verdict.accountFailures == index + 1)
        }
        let later = tracker.recordFailure(
            account: "a", source: nil, fingerprint: tracker.fingerprint(account: "a", password: Secret("four")), at: start + 120)
        #expect(later.accountFailures == 1)
    }

    @Test func aSourceIsThrottledAfterItsFailuresAndThenReleased() {
        let tracker = FailureTracker(settings: settings)
        for index in 0..<4 {
            let user = "user\(index)"
            _ = tracker.recordFailure(
                account: user, source: "198.51.100.7", fingerprint: tracker.fingerprint(account: user, password: Secret("x")),
                at: start)
        }
        #expect(tracker.isThrottled(source: "198.51.100.7", at: start + 1))
        #expect(!tracker.isThrottled(source: "203.0.113.9", at: start + 1))
        #expect(!tracker.isThrottled(source: "198.51.100.7", at: start + 61))
    }

    @Test func theFingerprintDependsOnAccountAndPasswordAndHidesThePassword() {
        let tracker = FailureTracker(settings: settings)
        let one = tracker.fingerprint(account: "a", password: Secret(canary))
        #expect(one == tracker.fingerprint(account: "a", password: Secret(canary)))
        #expect(one != tracker.fingerprint(account: "b", password: Secret(canary)))
        #expect(one != FailureTracker(settings: settings).fingerprint(account: "a", password: Secret(canary)))
        #expect(one.range(of: Data(canary.utf8)) == nil)
    }

    @Test func settingsAreClampedToTheHardCap() {
        #expect(LockoutSettings(failures: 1000).failures == LockoutSettings.hardCap)
        #expect(LockoutSettings(failures: 0, sourceFailures: -3).sourceFailures == 1)
    }
}
