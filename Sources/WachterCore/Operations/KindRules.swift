/// The rules that apply to one kind of account, taken from the policy.
public struct KindRules: Sendable {
    /// Makes and checks hashes at the kind's method and cost.
    public var hasher: PasswordHasher
    /// How many earlier hashes are kept to refuse reuse.
    public var historyDepth: Int
    /// Lockout and per-source throttling.
    public var lockout: LockoutPolicy
    /// Rotation: maximum age, warning period, change after reset.
    public var rotation: RotationSettings
    /// Whether a password that another current account of the same customer has is
    /// refused. Rules built from a policy take `[reuse] across_accounts`, true unless
    /// switched off; rules built without one (a service made from a single hasher) do not check.
    public var acrossAccounts = false
    /// At most how many of the customer's other accounts a new password is verified against.
    public var acrossAccountsLimit = ReuseSettings().acrossAccountsLimit
    /// The breached-password file that successful logins are looked up in, if any.
    public var breachedFile: BreachedPasswordFile?
    /// How often a password must be listed there to count as breached.
    public var breachedMinCount = 1

    /// When passwords expire.
    public var expiry: PasswordExpiry { PasswordExpiry(rotation: rotation) }

    /// Creates the rules.
    public init(hasher: PasswordHasher, historyDepth: Int, lockout: LockoutPolicy, rotation: RotationSettings) {
        self.hasher = hasher
        self.historyDepth = historyDepth
        self.lockout = lockout
        self.rotation = rotation
    }
}

extension RotationSettings {
    /// No expiry, and a change after a reset.
    public static var never: RotationSettings {
        var settings = RotationSettings()
        settings.maxAgeDays = 0
        return settings
    }
}
