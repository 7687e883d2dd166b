public import Foundation
internal import Glibc

/// Reads and writes the files an operator names (policy, word lists, breached-password
/// file, export configuration, password file, import file, report), so that every
/// failure is one sentence with what the file is, its path and the system's reason
/// (strerror(3)): "cannot read the policy file /x/policy.toml: No such file or directory".
///
/// Foundation's file errors print an error domain and a code; they never reach an
/// operator from here.
public enum FileAccess {
    /// What was being done to a file when it failed.
    public enum Action: String, Sendable {
        /// Opening or reading it.
        case read
        /// Creating, writing or renaming it into place.
        case write
    }

    /// Reads a whole file.
    ///
    /// - Parameters:
    ///   - path: The file.
    ///   - what: What the file is, such as `policy file`.
    /// - Returns: Its bytes.
    /// - Throws: ``WachterError/Code/notFound`` when the file does not exist, else
    ///   ``WachterError/Code/inputFailure``; both with the sentence.
    public static func read(_ path: String, what: String) throws(WachterError) -> [UInt8] {
        let descriptor = try open(path, what: what)
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = unsafe chunk.withUnsafeMutableBytes { buffer in
                unsafe Glibc.read(descriptor, buffer.baseAddress, buffer.count)
            }
            if count < 0 {
                if errno == EINTR { continue }
                throw failure(.read, what, path, errno: errno)
            }
            if count == 0 { return bytes }
            bytes.append(contentsOf: chunk[0..<count])
        }
    }

    /// Reads a whole file as UTF-8 text.
    ///
    /// - Parameters:
    ///   - path: The file.
    ///   - what: What the file is, such as `policy file`.
    /// - Returns: Its text.
    /// - Throws: As ``read(_:what:)``; ``WachterError/Code/invalidInput`` when it is not UTF-8.
    public static func readText(_ path: String, what: String) throws(WachterError) -> String {
        let bytes = try read(path, what: what)
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw WachterError(.invalidInput, "cannot read the \(what) \(path): it is not UTF-8 text")
        }
        return text
    }

    /// Opens a file for reading, for a caller that reads it piece by piece.
    ///
    /// - Parameters:
    ///   - path: The file.
    ///   - what: What the file is.
    /// - Returns: A handle that closes the file when it is released.
    /// - Throws: As ``read(_:what:)``.
    public static func handle(forReading path: String, what: String) throws(WachterError) -> FileHandle {
        FileHandle(fileDescriptor: try open(path, what: what), closeOnDealloc: true)
    }

    /// Checks that a file can be opened for reading, by opening it (root passes
    /// access(2)'s checks for files it still cannot read, such as a directory).
    ///
    /// - Parameters:
    ///   - path: The file.
    ///   - what: What the file is.
    ///   - context: Words that follow the path in the sentence, such as
    ///     `that the policy names for mailbox accounts`.
    /// - Throws: As ``read(_:what:)``.
    public static func checkReadable(_ path: String, what: String, context: String? = nil) throws(WachterError) {
        let descriptor = unsafe Glibc.open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw failure(.read, what, path, context: context, errno: errno) }
        defer { close(descriptor) }
        // open(2) succeeds on a directory; reading it is what fails.
        var status = stat()
        if unsafe fstat(descriptor, &status) == 0, status.st_mode & S_IFMT == S_IFDIR {
            throw failure(.read, what, path, context: context, errno: EISDIR)
        }
    }

    /// Writes a whole file: a temporary file beside it, then rename(2) over the target,
    /// so that a reader sees the old file or the new one, never half of one.
    ///
    /// - Parameters:
    ///   - bytes: The new contents.
    ///   - path: The file.
    ///   - what: What the file is, such as `report file`.
    ///   - mode: The new file's mode before the umask.
    /// - Throws: ``WachterError/Code/inputFailure`` with the sentence.
    public static func write(_ bytes: [UInt8], to path: String, what: String, mode: mode_t = 0o666) throws(WachterError) {
        let temporary = path + ".wachter-\(getpid())"
        let descriptor = unsafe Glibc.open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard descriptor >= 0 else { throw failure(.write, what, path, errno: errno) }
        var renamed = false
        defer { if !renamed { unsafe _ = unlink(temporary) } }
        if let code = writeAll(descriptor, bytes) {
            close(descriptor)
            throw failure(.write, what, path, errno: code)
        }
        if fsync(descriptor) != 0 {
            let code = errno
            close(descriptor)
            throw failure(.write, what, path, errno: code)
        }
        close(descriptor)
        guard unsafe rename(temporary, path) == 0 else { throw failure(.write, what, path, errno: errno) }
        renamed = true
    }

    /// The sentence for a failed file operation.
    ///
    /// - Parameters:
    ///   - action: What was being done.
    ///   - what: What the file is, such as `policy file`.
    ///   - path: The file.
    ///   - context: Words that follow the path, if any.
    ///   - code: The errno value.
    /// - Returns: ``WachterError/Code/notFound`` for a file that does not exist when reading,
    ///   else ``WachterError/Code/inputFailure``; the message is
    ///   `cannot ACTION the WHAT PATH[ CONTEXT]: REASON`.
    public static func failure(
        _ action: Action, _ what: String, _ path: String, context: String? = nil, errno code: Int32
    ) -> WachterError {
        let subject = context.map { "\(path) \($0)" } ?? path
        return WachterError(
            action == .read && code == ENOENT ? .notFound : .inputFailure,
            "cannot \(action.rawValue) the \(what) \(subject): \(reason(errno: code))")
    }

    /// Writes all of `bytes` to a descriptor, resuming after a short write or EINTR
    /// (write(2)); the one copy of that loop for every file Wachter writes.
    ///
    /// - Returns: nil when everything was written, else the errno of the failure.
    static func writeAll(_ descriptor: Int32, _ bytes: [UInt8]) -> Int32? {
        var offset = 0
        while offset < bytes.count {
            let written = unsafe bytes.withUnsafeBytes { buffer in
                unsafe Glibc.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
            }
            if written < 0 {
                if errno == EINTR { continue }
                return errno
            }
            offset += written
        }
        return nil
    }

    /// strerror(3) of an errno value, such as `No such file or directory`.
    ///
    /// - Parameter code: The errno value.
    /// - Returns: The system's sentence for it.
    public static func reason(errno code: Int32) -> String {
        unsafe String(cString: strerror(code))
    }

    /// The system's reason inside an error that Foundation threw: strerror(3) of the
    /// POSIX code it carries, or its description when it carries none.
    ///
    /// - Parameter error: The error.
    /// - Returns: A reason without an error domain or code.
    public static func reason(of error: any Error) -> String {
        let described = error as NSError
        for candidate in [described, described.userInfo[NSUnderlyingErrorKey] as? NSError].compactMap({ $0 })
        where candidate.domain == NSPOSIXErrorDomain {
            return reason(errno: Int32(candidate.code))
        }
        return described.localizedDescription
    }

    private static func open(_ path: String, what: String) throws(WachterError) -> Int32 {
        let descriptor = unsafe Glibc.open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw failure(.read, what, path, errno: errno) }
        return descriptor
    }
}
