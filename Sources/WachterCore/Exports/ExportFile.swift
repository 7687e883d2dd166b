internal import Foundation
internal import Glibc

/// The only file of the exports that calls POSIX directly: it replaces a file
/// atomically and looks up owners and groups. Everything it returns is a Swift value.
///
/// A replacement (rename(2), "If newpath already exists, it will be atomically
/// replaced"):
/// 1. opens the target's directory and takes an exclusive flock(2) on it, so that
///    two exporters of the same directory take turns and the later one writes the
///    newer store state;
/// 2. refuses a target that is a symbolic link or not a regular file (fstatat(2)
///    with `AT_SYMLINK_NOFOLLOW`);
/// 3. writes a temporary file in the same directory, created with
///    `O_CREAT | O_EXCL | O_NOFOLLOW` and mode 0600, then fchown(2), fchmod(2),
///    write(2), futimens(2) where needed (see ``advanceModificationTime(_:past:path:)``)
///    and fsync(2);
/// 4. renames it over the target with renameat(2), and fsyncs the directory so
///    that the rename itself is durable.
///
/// A crash or kill at any moment leaves the old file or the new one: the target
/// name only ever points at a complete, synced file.
enum ExportFile {
    /// The owner, group and mode a replaced file gets.
    struct Ownership: Equatable {
        var uid: UInt32?
        var gid: UInt32?
        var mode: Int?
    }

    /// The file a replacement replaces, for an exporter that patches it instead of
    /// writing every line anew.
    struct Previous {
        /// The file's identity (``identity(of:)``) when the directory lock was taken.
        let identity: String
        fileprivate let directoryFD: Int32
        fileprivate let name: String

        /// The file's bytes; fails unless it is still the file ``identity`` describes.
        func read() throws(WachterError) -> [UInt8] {
            let fd = unsafe openat(directoryFD, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
            guard fd >= 0 else { throw failure("cannot open \(name) to update it", errno: errno) }
            defer { close(fd) }
            var status = stat()
            guard unsafe fstat(fd, &status) == 0, ExportFile.identity(of: status) == identity else {
                throw failure("\(name) changed while it was being updated")
            }
            let size = Int(status.st_size)
            var bytes = [UInt8](repeating: 0, count: size)
            var offset = 0
            while offset < size {
                let count = unsafe bytes.withUnsafeMutableBytes { buffer in
                    unsafe Glibc.read(fd, buffer.baseAddress! + offset, size - offset)
                }
                if count < 0 {
                    if errno == EINTR { continue }
                    throw failure("cannot read \(name)", errno: errno)
                }
                if count == 0 { throw failure("\(name) became shorter while it was read") }
                offset += count
            }
            return bytes
        }
    }

    /// A file's device, inode, size and modification time to the nanosecond: a
    /// file that another program rewrote or edited has another identity.
    static func identity(of status: stat) -> String {
        "\(status.st_dev):\(status.st_ino):\(status.st_size):\(status.st_mtim.tv_sec).\(status.st_mtim.tv_nsec)"
    }

    /// The prefix of temporary files next to a target named `name`.
    static func temporaryPrefix(for name: String) -> String { ".\(name).wachter-" }

    /// Replaces `path` with the bytes `contents` writes, atomically.
    ///
    /// - Parameters:
    ///   - path: The file to replace; its directory must exist.
    ///   - ownership: The owner, group and mode; a nil field keeps the existing
    ///     file's, or for a new file takes the process's user and group and 0600.
    ///   - contents: Writes the file's bytes, in chunks, through the function it is
    ///     given; called while the directory lock is held, with the file it
    ///     replaces, if any. If it throws, the old file stays and the temporary
    ///     file is removed.
    /// - Returns: What `contents` returned, and the new file's identity.
    /// - Throws: ``WachterError/Code/exportFailure``, or what `contents` throws;
    ///   the existing file is then unchanged.
    @discardableResult
    static func replace<T>(
        path: String, ownership: Ownership,
        contents: (_ previous: Previous?, _ write: ([UInt8]) throws(WachterError) -> Void) throws -> T
    ) throws -> (result: T, identity: String) {
        let url = URL(fileURLWithPath: path)
        let name = url.lastPathComponent
        let directory = url.deletingLastPathComponent().path
        guard !name.isEmpty, name != ".", name != ".." else {
            throw failure("\(path) is not a file name")
        }
        let directoryFD = unsafe open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard directoryFD >= 0 else { throw failure("cannot open the directory \(directory)", errno: errno) }
        defer { close(directoryFD) }
        guard flock(directoryFD, LOCK_EX) == 0 else {
            throw failure("cannot lock the directory \(directory)", errno: errno)
        }
        defer { flock(directoryFD, LOCK_UN) }

        var existing = stat()
        var exists = false
        if unsafe fstatat(directoryFD, name, &existing, AT_SYMLINK_NOFOLLOW) == 0 {
            exists = true
            if existing.st_mode & S_IFMT == S_IFLNK {
                throw failure(
                    "\(path) is a symbolic link; wachter does not follow it. Remove it, or export to the file it points at")
            }
            guard existing.st_mode & S_IFMT == S_IFREG else { throw failure("\(path) exists and is not a regular file") }
        } else if errno != ENOENT {
            throw failure("cannot inspect \(path)", errno: errno)
        }
        removeStaleTemporaries(directory: directory, directoryFD: directoryFD, prefix: temporaryPrefix(for: name))

        let uid = ownership.uid ?? (exists ? existing.st_uid : geteuid())
        let gid = ownership.gid ?? (exists ? existing.st_gid : getegid())
        // Other users never get a bit, whatever the old file had.
        let mode = mode_t((ownership.mode ?? (exists ? Int(existing.st_mode & 0o7777) : 0o600)) & 0o7770)

        let temporary = temporaryPrefix(for: name) + randomSuffix()
        let fd = unsafe openat(directoryFD, temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw failure("cannot create a temporary file in \(directory)", errno: errno) }
        var renamed = false
        defer {
            if !renamed { unsafe _ = unlinkat(directoryFD, temporary, 0) }
        }
        let result: T
        let newIdentity: String
        do {
            defer { close(fd) }
            if fchown(fd, uid, gid) != 0 {
                throw failure("cannot give \(path) owner \(uid) and group \(gid)", errno: errno)
            }
            if fchmod(fd, mode) != 0 { throw failure("cannot set the mode of \(path)", errno: errno) }
            let previous = exists ? Previous(identity: identity(of: existing), directoryFD: directoryFD, name: name) : nil
            result = try contents(previous) { bytes throws(WachterError) in try writeAll(fd, bytes, path: path) }
            if exists { try advanceModificationTime(fd, past: existing, path: path) }
            if fsync(fd) != 0 { throw failure("cannot sync \(path)", errno: errno) }
            var written = stat()
            guard unsafe fstat(fd, &written) == 0 else { throw failure("cannot inspect the new \(path)", errno: errno) }
            newIdentity = identity(of: written)
        }
        guard unsafe renameat(directoryFD, temporary, directoryFD, name) == 0 else {
            throw failure("cannot rename the new \(path) into place", errno: errno)
        }
        renamed = true
        // The rename is durable only once the directory is synced (fsync(2), NOTES).
        if fsync(directoryFD) != 0 { throw failure("cannot sync the directory \(directory)", errno: errno) }
        return (result, newIdentity)
    }

    /// Gives the new file a modification time in a later second than the old one's.
    ///
    /// Dovecot's passwd-file driver re-reads its file only when the whole-second
    /// mtime or the size changed (src/auth/db-passwd-file.c, passwd_file_sync), not
    /// the inode; a new hash of the same length written within the same second
    /// would go unnoticed. So when the clock has not passed the old file's second,
    /// the new file is dated one second after it (futimens(2)).
    private static func advanceModificationTime(_ fd: Int32, past old: stat, path: String) throws(WachterError) {
        var now = timespec()
        unsafe _ = clock_gettime(CLOCK_REALTIME, &now)
        guard now.tv_sec <= old.st_mtim.tv_sec else { return }
        let later = timespec(tv_sec: old.st_mtim.tv_sec + 1, tv_nsec: 0)
        let times = [now, later]
        let status = unsafe times.withUnsafeBufferPointer { unsafe futimens(fd, $0.baseAddress) }
        if status != 0 { throw failure("cannot set the modification time of \(path)", errno: errno) }
    }

    /// A user id from a user name or a number (getpwnam_r(3)).
    static func userID(_ text: String) throws(WachterError) -> UInt32 {
        if let number = UInt32(text) { return number }
        var entry = unsafe passwd()
        var found: UnsafeMutablePointer<passwd>?
        var buffer = [CChar](repeating: 0, count: 4096)
        let status = unsafe buffer.withUnsafeMutableBufferPointer { storage in
            unsafe getpwnam_r(text, &entry, storage.baseAddress!, storage.count, &found)
        }
        guard status == 0, unsafe found != nil else {
            throw WachterError(.exportFailure, "there is no user '\(text)' on this system for an export's owner")
        }
        return unsafe entry.pw_uid
    }

    /// A group id from a group name or a number (getgrnam_r(3)).
    static func groupID(_ text: String) throws(WachterError) -> UInt32 {
        if let number = UInt32(text) { return number }
        var entry = unsafe group()
        var found: UnsafeMutablePointer<group>?
        var buffer = [CChar](repeating: 0, count: 4096)
        let status = unsafe buffer.withUnsafeMutableBufferPointer { storage in
            unsafe getgrnam_r(text, &entry, storage.baseAddress!, storage.count, &found)
        }
        guard status == 0, unsafe found != nil else {
            throw WachterError(.exportFailure, "there is no group '\(text)' on this system for an export's group")
        }
        return unsafe entry.gr_gid
    }

    private static func writeAll(_ fd: Int32, _ bytes: [UInt8], path: String) throws(WachterError) {
        if let code = FileAccess.writeAll(fd, bytes) { throw failure("cannot write \(path)", errno: code) }
    }

    /// Removes temporary files a killed exporter left; the directory lock is held,
    /// so no other exporter is writing one.
    private static func removeStaleTemporaries(directory: String, directoryFD: Int32, prefix: String) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return }
        for stale in names where stale.hasPrefix(prefix) {
            unsafe _ = unlinkat(directoryFD, stale, 0)
        }
    }

    private static func randomSuffix() -> String {
        var generator = SystemRandomNumberGenerator()
        return String(generator.next() as UInt64, radix: 36)
    }

    private static func failure(_ message: String, errno code: Int32? = nil) -> WachterError {
        WachterError(.exportFailure, message, cause: code.map { unsafe String(cString: strerror($0)) })
    }
}
