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
