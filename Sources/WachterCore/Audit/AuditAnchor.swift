internal import Foundation
internal import Glibc

/// The newest entry of the audit trail, as an anchor records it: its sequence
/// number and its hash.
public struct AuditHead: Sendable, Equatable, Codable {
    /// The entry's sequence number; 0 for an empty trail.
    public var sequence: Int64
    /// The entry's hash; ``AuditChain/genesis`` for an empty trail.
    public var hash: String

    /// Creates a head.
    ///
    /// - Parameters:
    ///   - sequence: The entry's sequence number.
    ///   - hash: The entry's hash.
    public init(sequence: Int64, hash: String) {
        self.sequence = sequence
        self.hash = hash
    }

    /// The head of a trail with no entries yet.
    public static let genesis = AuditHead(sequence: 0, hash: AuditChain.genesis)
}

/// What ``AuditAnchor/advance(to:holding:)`` did.
public enum AuditAnchorAdvance: Sendable, Equatable {
    /// The anchor now records the new head.
    case advanced
    /// The anchor already recorded this head or a later one (another writer's), and stays.
    case alreadyAhead
    /// The trail no longer holds the head the anchor records, so the anchor stays
    /// where it is: moving it would erase the evidence of a cut or rewritten tail.
    case refused(anchored: AuditHead)
}

/// A record of the audit trail's head kept outside the store.
///
/// The hash chain (``AuditChain``) shows an edited or removed entry, but not that
/// the newest entries were cut off: the shorter trail is a valid chain. The anchor
/// remembers how far the trail reached, so that ``AuditChain/verify(_:checkpoint:anchor:)``
/// can tell. It is moved after each commit that appended an entry, so it may lag
/// the trail (after a crash between the commit and the move) but never lead it, and
/// it only moves forward, so that several processes may move it at once.
///
/// ``AuditAnchorFile`` keeps it in a file beside an SQLite store; a store that
/// several hosts share would keep one file per host.
public protocol AuditAnchor: Sendable {
    /// Where the anchor is kept, for messages, such as a file's path.
    var location: String { get }

    /// The head the anchor records.
    ///
    /// - Returns: The head, or nil when nothing was recorded yet (a store from before anchors).
    /// - Throws: ``WachterError`` when the anchor cannot be read, is unsafe, or is not one Wachter wrote.
    func head() throws -> AuditHead?

    /// Moves the anchor forward to `head`, never back.
    ///
    /// - Parameters:
    ///   - head: The trail's newest entry, after its transaction committed.
    ///   - holding: Whether the trail still holds a given entry (or pruned it under a
    ///     checkpoint); asked for the anchored head before it is replaced.
    /// - Returns: What happened.
    /// - Throws: ``WachterError`` when the anchor cannot be read or written; it is then unchanged.
    @discardableResult
    func advance(to head: AuditHead, holding: (AuditHead) throws -> Bool) throws -> AuditAnchorAdvance

    /// Sets the anchor to `head`, even backward: for a store that was just created.
    ///
    /// - Parameter head: The new store's head, ``AuditHead/genesis``.
    /// - Throws: ``WachterError`` when the anchor cannot be written.
    func reset(to head: AuditHead) throws
}

extension AuditChain {
    /// Checks the chain as ``verify(_:checkpoint:)`` does, then checks its tail
    /// against the head an anchor recorded.
    ///
    /// The trail must reach the anchored sequence number, and its entry there (or
    /// the checkpoint, or the genesis) must have the anchored hash. The anchor must
    /// be read before the trail, so that a concurrent writer's newer anchor cannot
    /// lead the trail that was read.
    ///
    /// - Parameters:
    ///   - entries: The trail, oldest first.
    ///   - checkpoint: The pruned head, if the trail was pruned.
    ///   - anchor: The anchored head, or nil when there is none (then only the chain is checked).
    /// - Returns: ``Verification/intact(count:)`` or where it breaks.
    public static func verify(_ entries: [AuditEntry], checkpoint: AuditCheckpoint?, anchor: AuditHead?) -> Verification {
        let chain = verify(entries, checkpoint: checkpoint)
        guard case .intact = chain, let anchor else { return chain }
        let last =
            entries.last.map { AuditHead(sequence: $0.sequence, hash: $0.hash) }
            ?? checkpoint.map { AuditHead(sequence: $0.sequence, hash: $0.hash) } ?? .genesis
        guard anchor.sequence <= last.sequence else {
            return .broken(
                sequence: last.sequence + 1,
                reason:
                    "the newest entries were cut off: entries after \(last.sequence) are missing; the anchor records entry \(anchor.sequence) with hash \(anchor.hash) as the trail's head"
            )
        }
        // The chain is intact, so the entries are consecutive: the anchored one is found by its offset.
        var recorded: String?
        if let first = entries.first, anchor.sequence >= first.sequence {
            recorded = entries[Int(anchor.sequence - first.sequence)].hash
        } else if let checkpoint, anchor.sequence == checkpoint.sequence {
            recorded = checkpoint.hash
        } else if anchor.sequence == 0 {
            recorded = genesis
        }
        if let recorded, !ConstantTime.equals(recorded, anchor.hash) {
            return .broken(
                sequence: anchor.sequence,
                reason:
                    "entry \(anchor.sequence) is not the one that was written: the anchor records hash \(anchor.hash); the trail was cut there and written anew"
            )
        }
        return chain
    }
}

/// The audit anchor of an SQLite store: one line in a file beside it
/// (`wachter.sqlite.audit-head`), `audit-head sequence=N hash=H`.
///
/// The file follows the store's rules: created 0600, refused when other users can
/// read or change it, never followed through a symbolic link. A move takes an
/// exclusive flock(2) on the file, reads the recorded head, and replaces the file
/// by writing a temporary file (`…audit-head.tmp`, synced) and renaming it over the
/// old one (rename(2): atomic), so a reader sees the old head or the new one. A
/// writer that waited for the lock while another renamed a new file in place finds
/// that the path names another inode, and locks the new file instead.
///
/// This is the only file of the audit trail that calls POSIX directly.
public struct AuditAnchorFile: AuditAnchor {
    /// The anchor file's path.
    public let path: String

    /// The anchor of the store at `store`.
    ///
    /// - Parameter store: The SQLite store's path.
    public init(store: String) {
        self.init(path: Self.path(forStore: store))
    }

    /// An anchor in the file at `path`.
    ///
    /// - Parameter path: The file.
    public init(path: String) {
        self.path = path
    }

    /// Where the anchor of the store at `store` is kept: beside it, with `.audit-head` added.
    ///
    /// - Parameter store: The SQLite store's path.
    /// - Returns: The anchor file's path.
    public static func path(forStore store: String) -> String { store + ".audit-head" }

    public var location: String { path }

    public func head() throws -> AuditHead? {
        let fd = unsafe open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else {
            if errno == ENOENT { return nil }
            throw failure("cannot open the audit anchor \(path)", errno: errno)
        }
        defer { close(fd) }
        var status = stat()
        guard unsafe fstat(fd, &status) == 0 else { throw failure("cannot inspect the audit anchor \(path)", errno: errno) }
        try checkMode(status)
        return try parse(readAll(fd))
    }

    @discardableResult
    public func advance(to head: AuditHead, holding: (AuditHead) throws -> Bool) throws -> AuditAnchorAdvance {
        try locked { current in
            if let current {
                if current.sequence >= head.sequence { return .alreadyAhead }
                guard try holding(current) else { return .refused(anchored: current) }
            }
            try replace(with: head)
            return .advanced
        }
    }

    public func reset(to head: AuditHead) throws {
        try locked { _ in try replace(with: head) }
    }

    /// The file's one line for `head`.
    static func line(_ head: AuditHead) -> String { "audit-head sequence=\(head.sequence) hash=\(head.hash)\n" }

    /// The head in the file's bytes; nil for an empty file (created, never written).
    func parse(_ bytes: [UInt8]) throws(WachterError) -> AuditHead? {
        if bytes.isEmpty { return nil }
        let text = String(decoding: bytes, as: UTF8.self)
        let fields = text.hasSuffix("\n") ? text.dropLast().split(separator: " ", omittingEmptySubsequences: false) : []
        guard fields.count == 3, fields[0] == "audit-head", fields[1].hasPrefix("sequence="), fields[2].hasPrefix("hash="),
            let sequence = Int64(fields[1].dropFirst("sequence=".count)), sequence >= 0
        else {
            throw WachterError(
                .auditBroken,
                "the audit anchor \(path) is not one wachter wrote; expected one line 'audit-head sequence=N hash=H'")
        }
        let hash = String(fields[2].dropFirst("hash=".count))
        guard hash.utf8.count == 64, hash.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }) else {
            throw WachterError(.auditBroken, "the audit anchor \(path) holds a hash that is not 64 hexadecimal digits")
        }
        return AuditHead(sequence: sequence, hash: hash)
    }

    /// Runs `body` with the recorded head while holding the file's lock.
    private func locked<T>(_ body: (AuditHead?) throws -> T) throws -> T {
        while true {
            // umask may take bits away, never add them: the file is at most 0600.
            let fd = unsafe open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0o600)
            guard fd >= 0 else { throw failure("cannot open the audit anchor \(path)", errno: errno) }
            defer { close(fd) }
            while flock(fd, LOCK_EX) != 0 {
                if errno != EINTR { throw failure("cannot lock the audit anchor \(path)", errno: errno) }
            }
            var held = stat()
            guard unsafe fstat(fd, &held) == 0 else { throw failure("cannot inspect the audit anchor \(path)", errno: errno) }
            var named = stat()
            guard unsafe lstat(path, &named) == 0, named.st_dev == held.st_dev, named.st_ino == held.st_ino else {
                // Another writer renamed a new anchor into place while this one waited.
                continue
            }
            try checkMode(held)
            return try body(try parse(readAll(fd)))
        }
    }

    /// Writes `head` to a synced temporary file and renames it over the anchor.
    ///
    /// The directory is not synced: a rename lost in a crash leaves the anchor
    /// behind the trail, which is allowed; only ahead of it would be wrong.
    private func replace(with head: AuditHead) throws(WachterError) {
        let temporary = path + ".tmp"
        let fd = unsafe open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw failure("cannot create \(temporary)", errno: errno) }
        var renamed = false
        defer { if !renamed { unsafe _ = unlink(temporary) } }
        do {
            defer { close(fd) }
            // A leftover temporary file could have had a wider mode.
            if fchmod(fd, 0o600) != 0 { throw failure("cannot set the mode of \(temporary)", errno: errno) }
            if let code = FileAccess.writeAll(fd, Array(Self.line(head).utf8)) {
                throw failure("cannot write \(temporary)", errno: code)
            }
            if fsync(fd) != 0 { throw failure("cannot sync \(temporary)", errno: errno) }
        }
        guard unsafe rename(temporary, path) == 0 else {
            throw failure("cannot rename \(temporary) to \(path)", errno: errno)
        }
        renamed = true
    }

    private func readAll(_ fd: Int32) throws(WachterError) -> [UInt8] {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 512)
        while true {
            let count = unsafe chunk.withUnsafeMutableBytes { buffer in
                unsafe pread(fd, buffer.baseAddress!, buffer.count, off_t(bytes.count))
            }
            if count < 0 {
                if errno == EINTR { continue }
                throw failure("cannot read the audit anchor \(path)", errno: errno)
            }
            if count == 0 { return bytes }
            bytes += chunk[0..<count]
            guard bytes.count <= 4096 else {
                throw WachterError(.auditBroken, "the audit anchor \(path) is too long to be one wachter wrote")
            }
        }
    }

    private func checkMode(_ status: stat) throws(WachterError) {
        guard status.st_mode & S_IFMT == S_IFREG else {
            throw WachterError(.storeInsecure, "the audit anchor \(path) is not a regular file")
        }
        let mode = Int(status.st_mode & 0o7777)
        if mode & 0o077 != 0 {
            throw WachterError(
                .storeInsecure,
                "the audit anchor \(path) can be read by other users (mode 0\(String(mode, radix: 8))); run `chmod 600 \(path)`")
        }
    }

    private func failure(_ message: String, errno code: Int32) -> WachterError {
        WachterError(.storeFailure, message, cause: unsafe String(cString: strerror(code)))
    }
}

extension CredentialStore {
    /// No anchor, for a store that keeps none.
    public var auditAnchor: (any AuditAnchor)? { nil }
}

extension AuditChain {
    /// Whether a trail still holds the entry `anchored` records, for ``AuditAnchor/advance(to:holding:)``.
    ///
    /// - Parameters:
    ///   - anchored: The head the anchor records.
    ///   - hash: The trail's entry with that sequence number's hash, nil when it has none.
    ///   - checkpoint: The trail's checkpoint, if it was pruned.
    /// - Returns: True when the entry is there with that hash, or was pruned (it is the
    ///   checkpoint with that hash, or older), or is the genesis of an empty trail.
    public static func holds(_ anchored: AuditHead, hash: String?, checkpoint: AuditCheckpoint?) -> Bool {
        if let hash { return ConstantTime.equals(hash, anchored.hash) }
        if let checkpoint, anchored.sequence <= checkpoint.sequence {
            return anchored.sequence < checkpoint.sequence || ConstantTime.equals(checkpoint.hash, anchored.hash)
        }
        return anchored == .genesis
    }
}
