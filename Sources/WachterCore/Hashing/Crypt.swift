internal import CCrypt
internal import Glibc

/// The only file that calls libxcrypt (crypt(5), crypt_rn(3), crypt_gensalt_rn(3),
/// crypt_checksalt(3)). Everything it returns is a Swift value.
enum Crypt {
    /// What crypt_checksalt(3) says of a setting or hash string.
    enum SaltStatus: Sendable {
        case ok
        case invalid
        case disabled
        case legacy
        case tooCheap
    }

    /// crypt_preferred_method(3): the prefix libxcrypt would choose, such as `$y$`.
    static var preferredMethodPrefix: String {
        guard let prefix = unsafe crypt_preferred_method() else { return "$y$" }
        return unsafe String(cString: prefix)
    }

    /// crypt_checksalt(3) on a setting or a complete hash.
    static func checkSalt(_ setting: String) -> SaltStatus {
        switch unsafe setting.withCString({ unsafe crypt_checksalt($0) }) {
        case CRYPT_SALT_OK: return .ok
        case CRYPT_SALT_METHOD_DISABLED: return .disabled
        case CRYPT_SALT_METHOD_LEGACY: return .legacy
        case CRYPT_SALT_TOO_CHEAP: return .tooCheap
        default: return .invalid
        }
    }

    /// crypt_gensalt_rn(3) with random bytes from the operating system.
    ///
    /// - Parameters:
    ///   - prefix: The method's prefix, such as `$y$` or `$2b$`.
    ///   - count: The cost; 0 asks for libxcrypt's default.
    static func generateSetting(prefix: String, count: UInt) throws(WachterError) -> String {
        var output = [CChar](repeating: 0, count: Int(CRYPT_GENSALT_OUTPUT_SIZE))
        let size = Int32(output.count)
        let result: String? = unsafe prefix.withCString { prefixPointer in
            unsafe output.withUnsafeMutableBufferPointer { buffer in
                // A null rbytes asks libxcrypt to read the OS's random source itself.
                guard unsafe crypt_gensalt_rn(prefixPointer, count, nil, 0, buffer.baseAddress, size) != nil else {
                    return nil
                }
                return unsafe String(cString: buffer.baseAddress!)
            }
        }
        let savedErrno = errno
        guard let result, !result.hasPrefix("*") else {
            throw WachterError(
                .hashingFailure,
                "libxcrypt cannot make a setting for method prefix \(prefix) with cost \(count)",
                cause: unsafe String(cString: strerror(savedErrno)))
        }
        return result
    }

    /// crypt_rn(3): hashes `phrase` with `setting` (a setting string or a complete hash).
    ///
    /// The phrase is copied into a NUL-terminated scratch buffer, and both that
    /// buffer and libxcrypt's `struct crypt_data` are wiped before they are freed.
    /// - Returns: The hash string, or nil where libxcrypt refused the setting.
    static func hash(phrase: [UInt8], setting: String) -> String? {
        let dataSize = MemoryLayout<crypt_data>.size
        let data = UnsafeMutableRawPointer.allocate(byteCount: dataSize, alignment: MemoryLayout<crypt_data>.alignment)
        unsafe data.initializeMemory(as: UInt8.self, repeating: 0, count: dataSize)
        let phraseBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: phrase.count + 1)
        defer {
            unsafe explicit_bzero(phraseBuffer, phrase.count + 1)
            unsafe phraseBuffer.deallocate()
            unsafe explicit_bzero(data, dataSize)
            unsafe data.deallocate()
        }
        for (index, byte) in phrase.enumerated() {
            unsafe phraseBuffer[index] = CChar(bitPattern: byte)
        }
        unsafe phraseBuffer[phrase.count] = 0
        let output: String? = unsafe setting.withCString { settingPointer in
            guard let result = unsafe crypt_rn(phraseBuffer, settingPointer, data, Int32(dataSize)) else {
                return nil
            }
            return unsafe String(cString: result)
        }
        // crypt_rn returns a string starting with '*' only from crypt_r-compatible
        // paths; treat it as a refusal as well (crypt(5), "failure tokens").
        guard let output, !output.hasPrefix("*") else { return nil }
        return output
    }
}
