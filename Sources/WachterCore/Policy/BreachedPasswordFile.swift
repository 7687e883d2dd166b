internal import Crypto
internal import Foundation
internal import Synchronization

/// A local list of breached passwords in the sorted `SHA-1-HEX:count` format
/// that Have I Been Pwned publishes, looked up by binary search over the file.
///
/// The file is never read into memory: each lookup reads a few dozen short
/// pieces at computed offsets, so a 40 GB file costs the same as a small one.
/// Lines may end in `\n` or `\r\n`; hex digits may be of either case.
public final class BreachedPasswordFile: Sendable {
    /// The file's path.
    public let path: String
    /// The file's size in bytes when it was opened.
    public let size: UInt64
    private let handle: Mutex<FileHandle>

    /// Opens a breached-password file.
    ///
    /// - Parameter path: The file.
    /// - Throws: ``WachterError/Code/notFound`` when it cannot be opened.
    public init(path: String) throws(WachterError) {
        let what = "breached-password file"
        let handle = try FileAccess.handle(forReading: path, what: what)
        let size: UInt64
        do {
            size = try handle.seekToEnd()
        } catch {
            throw WachterError(.inputFailure, "cannot read the \(what) \(path): \(FileAccess.reason(of: error))")
        }
        self.path = path
        self.size = size
        self.handle = Mutex(handle)
    }

    deinit {
        handle.withLock { try? $0.close() }
    }

    /// The upper-case hex SHA-1 of a password's bytes, as the file lists it.
    ///
    /// - Parameter password: NFKC-normalised UTF-8 bytes.
    /// - Returns: Forty upper-case hex digits.
    public static func sha1Hex(_ password: [UInt8]) -> [UInt8] {
        let digest = Insecure.SHA1.hash(data: password)
        let hex = Array("0123456789ABCDEF".utf8)
        var result: [UInt8] = []
        result.reserveCapacity(40)
        for byte in digest {
            result.append(hex[Int(byte >> 4)])
            result.append(hex[Int(byte & 0x0f)])
        }
        return result
    }

    /// How often a password appears in the file.
    ///
    /// - Parameter password: NFKC-normalised UTF-8 bytes.
    /// - Returns: The count, or 0 when it is not listed.
    /// - Throws: ``WachterError/Code/inputFailure`` when reading fails.
    public func count(of password: [UInt8]) throws(WachterError) -> Int {
        try count(ofHash: Self.sha1Hex(password))
    }

    /// How often a SHA-1 hash appears in the file.
    ///
    /// - Parameter hash: Forty hex digits.
    /// - Returns: The count, or 0 when it is not listed.
    /// - Throws: ``WachterError/Code/inputFailure`` when reading fails.
    public func count(ofHash hash: [UInt8]) throws(WachterError) -> Int {
        let target = hash.map(Self.upper)
        let result: Result<Int, WachterError> = handle.withLock { handle in
            do {
                return .success(try search(target, in: handle))
            } catch let error as WachterError {
                return .failure(error)
            } catch {
                return .failure(
                    WachterError(
                        .inputFailure, "cannot read the breached-password file \(path)", cause: String(describing: error)))
            }
        }
        return try result.get()
    }

    private static func upper(_ byte: UInt8) -> UInt8 { byte >= 0x61 && byte <= 0x7a ? byte - 0x20 : byte }

    /// Reads up to `count` bytes at `offset`.
    private func read(_ handle: FileHandle, at offset: UInt64, count: Int) throws -> [UInt8] {
        try handle.seek(toOffset: offset)
        return Array(try handle.read(upToCount: count) ?? Data())
    }

    /// The offset of the first line that starts at or after `offset`, or `size`.
    private func lineStart(_ handle: FileHandle, atOrAfter offset: UInt64) throws -> UInt64 {
        if offset == 0 { return 0 }
        var position = offset - 1
        while position < size {
            let chunk = try read(handle, at: position, count: 256)
            if chunk.isEmpty { return size }
            if let newline = chunk.firstIndex(of: 0x0a) { return position + UInt64(newline) + 1 }
            position += UInt64(chunk.count)
        }
        return size
    }

    /// The line at `offset`: its hash, its count and where the next line starts.
    private func line(_ handle: FileHandle, at offset: UInt64) throws -> (hash: [UInt8], count: Int, next: UInt64) {
        let chunk = try read(handle, at: offset, count: 128)
        let end = chunk.firstIndex(of: 0x0a) ?? chunk.count
        let text = chunk[0..<end]
        let colon = text.firstIndex(of: 0x3a) ?? end
        let hash = text[0..<colon].map(Self.upper)
        var count = 0
        if colon < end {
            for byte in text[(colon + 1)...] where byte >= 0x30 && byte <= 0x39 {
                count = count * 10 + Int(byte - 0x30)
            }
        }
        return (hash, count, offset + UInt64(end) + 1)
    }

    private func search(_ target: [UInt8], in handle: FileHandle) throws -> Int {
        // Invariant: if the target is in the file, its line starts in [low, high).
        var low: UInt64 = 0
        var high = size
        while low < high {
            let middle = low + (high - low) / 2
            let start = try lineStart(handle, atOrAfter: middle)
            if start >= high {
                // No line starts in [middle, high): scan [low, high) line by line.
                var offset = low
                while offset < high {
                    let entry = try line(handle, at: offset)
                    if entry.hash == target { return entry.count }
                    if entry.hash.lexicographicallyPrecedes(target) == false { return 0 }
                    offset = entry.next
                }
                return 0
            }
            let entry = try line(handle, at: start)
            if entry.hash == target { return entry.count }
            if entry.hash.lexicographicallyPrecedes(target) {
                low = entry.next
            } else {
                high = start
            }
        }
        return 0
    }
}
