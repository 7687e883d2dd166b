public import Foundation
internal import Glibc

/// The name a host goes by on a shared store (docs/HOSTS.md): in the host registry, on
/// its export stamps and audit entries, and on the once-per-business jobs it ran.
public enum HostName {
    /// The longest name accepted.
    public static let maximumLength = 64

    /// `$WACHTER_HOST`, else the system's host name (gethostname(2)), else `localhost`.
    public static func current(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let name = environment["WACHTER_HOST"], !name.isEmpty { return name }
        var buffer = [UInt8](repeating: 0, count: 256)
        let status = unsafe buffer.withUnsafeMutableBytes { raw in
            unsafe gethostname(raw.baseAddress!.assumingMemoryBound(to: CChar.self), raw.count - 1)
        }
        guard status == 0 else { return "localhost" }
        let name = String(decoding: buffer.prefix { $0 != 0 }, as: UTF8.self)
        return (try? validated(name)) ?? "localhost"
    }

    /// Checks a host name: 1 to 64 letters, digits, dots, hyphens and underscores.
    ///
    /// - Parameter name: The name.
    /// - Returns: The name.
    /// - Throws: ``WachterError/Code/invalidInput`` naming what is wrong.
    @discardableResult
    public static func validated(_ name: String) throws(WachterError) -> String {
        guard !name.isEmpty, name.utf8.count <= maximumLength else {
            throw WachterError(.invalidInput, "a host name has 1 to \(maximumLength) characters")
        }
        let allowed = name.unicodeScalars.allSatisfy { scalar in
            scalar.isASCII
                && (CharacterSet.alphanumerics.contains(scalar) || scalar == "." || scalar == "-" || scalar == "_")
        }
        guard allowed else {
            throw WachterError(.invalidInput, "a host name has only letters, digits, '.', '-' and '_'")
        }
        return name
    }
}
