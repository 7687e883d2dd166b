public import Foundation

/// Strength rules for new passwords.
public struct StrengthSettings: Sendable, Equatable {
    /// The fewest characters, after NFKC normalisation.
    public var minLength = 15
    /// The most characters, after NFKC normalisation.
    public var maxLength = 128
    /// The least log10 of estimated guesses.
    public var minGuessesLog10 = 10.0
    /// Whether the shipped common-password list is a blocklist.
    public var builtinBlocklist = true
    /// Further blocklist files, as written in the policy file.
    public var blocklistFiles: [String] = []
    /// Whether words from the account's context are held against a password.
    public var contextWords = true
    /// The language of reasons and suggestions.
    public var language = PolicyLanguage.en
    /// A sorted `SHA-1-HEX:count` file of breached passwords, or empty.
    public var breachedFile = ""
    /// How often a password must appear in the breached file to be refused.
    public var breachedMinCount = 1

    /// The shipped values.
    public init() {}
}

/// How new password hashes are made, as the policy file spells it.
public struct HashingSettings: Sendable, Equatable {
    /// The method for new hashes.
    public var method = HashMethod.yescrypt
    /// The cost, or 0 for libxcrypt's default.
    public var cost = 0

    /// The shipped values.
    public init() {}

    /// The settings as the hasher takes them.
    public var hashingPolicy: HashingPolicy { HashingPolicy(method: method, cost: cost) }
}

/// When passwords must be changed.
public struct RotationSettings: Sendable, Equatable {
    /// Days until a password expires; 0 means never.
    public var maxAgeDays = 365
    /// Days before expiry that warnings start.
    public var warnDays = 14
    /// Whether a password set by a reset must be changed at the next login.
    public var changeAfterReset = true

    /// The shipped values.
    public init() {}
}

/// Which earlier passwords may not be used again.
public struct ReuseSettings: Sendable, Equatable {
    /// How many previous hashes are kept and refused.
    public var history = 5
    /// Whether a password that another current account of the same customer has
    /// is refused, so that a customer's mailbox, FTP, SSH and panel passwords differ.
    public var acrossAccounts = true
    /// At most how many of the customer's other accounts are verified (one hash each).
    public var acrossAccountsLimit = 8

    /// The shipped values.
    public init() {}
}

/// When failed logins lock an account or throttle a source: the one set of lockout
/// numbers for every path (`verify`, the hooks, the agent's failure tracker).
///
/// The policy file writes the times in minutes (`window_minutes` ...); they are kept
/// in seconds, which `wachter serve`'s options may override. Counts are clamped to
/// 1...``hardCap`` and times to at least one second. Defaults follow NIST SP
/// 800-63B-4 (rate limiting, at most 100 consecutive failures).
public struct LockoutSettings: Sendable, Equatable {
    /// NIST SP 800-63B-4 allows no more than this many consecutive failures; no count exceeds it.
    public static let hardCap = 100

    /// Failures within ``window`` that lock the account.
    public var failures: Int { didSet { failures = Self.count(failures) } }
    /// The window over which an account's failures are counted, in seconds.
    public var window: TimeInterval { didSet { window = max(window, 1) } }
    /// How long an account stays locked, in seconds.
    public var duration: TimeInterval { didSet { duration = max(duration, 1) } }
    /// Failures from one source address, over all accounts, within ``sourceWindow`` that throttle it.
    public var sourceFailures: Int { didSet { sourceFailures = max(sourceFailures, 1) } }
    /// The window over which a source's failures are counted, in seconds.
    public var sourceWindow: TimeInterval { didSet { sourceWindow = max(sourceWindow, 1) } }
    /// How long a source stays throttled, in seconds.
    public var sourceDuration: TimeInterval { didSet { sourceDuration = max(sourceDuration, 1) } }
    /// Failures in a row after which only an operator can unlock the account.
    public var maxConsecutiveFailures: Int { didSet { maxConsecutiveFailures = Self.count(maxConsecutiveFailures) } }

    /// Creates settings; the defaults are the shipped policy's.
    ///
    /// - Parameters:
    ///   - failures: Failures per account within `window` that lock it.
    ///   - window: The account's counting window, in seconds.
    ///   - duration: The account's lock, in seconds.
    ///   - sourceFailures: Failures per address within `sourceWindow` that throttle it.
    ///   - sourceWindow: The address's counting window, in seconds.
    ///   - sourceDuration: The address's throttle, in seconds.
    ///   - maxConsecutiveFailures: Failures in a row that lock until an operator acts.
    public init(
        failures: Int = 10, window: TimeInterval = 900, duration: TimeInterval = 900, sourceFailures: Int = 30,
        sourceWindow: TimeInterval = 900, sourceDuration: TimeInterval = 900, maxConsecutiveFailures: Int = hardCap
    ) {
        self.failures = Self.count(failures)
        self.window = max(window, 1)
        self.duration = max(duration, 1)
        self.sourceFailures = max(sourceFailures, 1)
        self.sourceWindow = max(sourceWindow, 1)
        self.sourceDuration = max(sourceDuration, 1)
        self.maxConsecutiveFailures = Self.count(maxConsecutiveFailures)
    }

    private static func count(_ value: Int) -> Int { min(max(value, 1), hardCap) }
}

extension LockoutSettings {
    /// ``window`` in whole minutes, as the policy file writes it.
    public var windowMinutes: Int {
        get { Int(window / 60) }
        set { window = TimeInterval(newValue) * 60 }
    }
    /// ``duration`` in whole minutes, as the policy file writes it.
    public var durationMinutes: Int {
        get { Int(duration / 60) }
        set { duration = TimeInterval(newValue) * 60 }
    }
    /// ``sourceWindow`` in whole minutes, as the policy file writes it.
    public var sourceWindowMinutes: Int {
        get { Int(sourceWindow / 60) }
        set { sourceWindow = TimeInterval(newValue) * 60 }
    }
    /// ``sourceDuration`` in whole minutes, as the policy file writes it.
    public var sourceDurationMinutes: Int {
        get { Int(sourceDuration / 60) }
        set { sourceDuration = TimeInterval(newValue) * 60 }
    }
}

/// Everything the policy says about one kind of account.
public struct AccountPolicy: Sendable, Equatable {
    /// Strength rules.
    public var strength = StrengthSettings()
    /// Hashing of new passwords.
    public var hashing = HashingSettings()
    /// Rotation.
    public var rotation = RotationSettings()
    /// Reuse.
    public var reuse = ReuseSettings()
    /// Lockout.
    public var lockout = LockoutSettings()

    /// The shipped defaults.
    public init() {}
}

/// How long records are kept.
public struct RetentionSettings: Sendable, Equatable {
    /// Days that login events are kept.
    public var loginEventsDays = 90
    /// Days that a login record's source address is kept; after that only its keyed
    /// digest stays (docs/PRIVACY.md). At most `loginEventsDays`.
    public var loginSourceDays = 30
    /// Days that site check results are kept.
    public var siteChecksDays = 365
    /// Days that the audit trail is kept.
    public var auditDays = 2557

    /// The shipped values.
    public init() {}
}

/// Certificate checks.
public struct TLSSettings: Sendable, Equatable {
    /// Days before expiry that a certificate is reported.
    public var warnDays = 21

    /// The shipped values.
    public init() {}
}

/// A whole policy: defaults, overrides per account kind, and global settings.
public struct WachterPolicy: Sendable, Equatable {
    /// The account kinds that may have a section of their own.
    public static let accountKinds = ["mailbox", "ftp", "ssh", "panel"]

    /// The policy for each account kind, with its overrides applied.
    public var kinds: [String: AccountPolicy]
    /// The policy for an account kind not listed, from `[defaults]`.
    public var defaults: AccountPolicy
    /// How long records are kept.
    public var retention = RetentionSettings()
    /// Certificate checks.
    public var tls = TLSSettings()
    /// Where the policy was read from: a path, or `built-in`.
    public var source: String
    /// The directory that relative file names in the policy are resolved against,
    /// or nil for the built-in policy.
    public var baseDirectory: String?

    /// Creates a policy with the same settings for every kind.
    ///
    /// - Parameters:
    ///   - defaults: The settings for every kind.
    ///   - source: Where the policy came from.
    ///   - baseDirectory: The directory relative paths are resolved against.
    public init(defaults: AccountPolicy = AccountPolicy(), source: String = "built-in", baseDirectory: String? = nil) {
        self.defaults = defaults
        self.kinds = Dictionary(uniqueKeysWithValues: Self.accountKinds.map { ($0, defaults) })
        self.source = source
        self.baseDirectory = baseDirectory
    }

    /// The settings for an account kind.
    ///
    /// - Parameter kind: `mailbox`, `ftp`, `ssh` or `panel`.
    /// - Returns: That kind's settings, or the defaults for another name.
    public func settings(forKind kind: String) -> AccountPolicy { kinds[kind] ?? defaults }

    /// A file name from the policy, resolved against the policy file's directory.
    ///
    /// - Parameter path: The name as written.
    /// - Returns: An absolute path, or the name unchanged when there is no directory.
    public func resolve(_ path: String) -> String {
        guard !path.hasPrefix("/"), let baseDirectory else { return path }
        return baseDirectory + "/" + path
    }
}
