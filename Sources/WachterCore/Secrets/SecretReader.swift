internal import Foundation
internal import Glibc

/// Reads passwords from a file descriptor or a terminal, straight into a ``Secret``.
///
/// The bytes never pass through a `String`, and the terminal's echo is switched
/// off while a password is typed (termios(3)), then restored.
public enum SecretReader {
    /// The longest line read as a password; longer input is an error, not a truncation.
    public static let maximumLineBytes = 4096

    /// Whether standard input is a terminal.
    public static var standardInputIsTerminal: Bool { isatty(STDIN_FILENO) == 1 }

    /// Reads one line (without its newline) from a file descriptor.
    ///
    /// - Parameters:
    ///   - descriptor: The descriptor, such as 0 for standard input.
    ///   - what: How to call the value in an error, such as "the new password".
    /// - Returns: The line, or nil at end of input before any byte.
    /// - Throws: ``WachterError/Code/inputFailure`` when reading fails or the line is too long.
    public static func readLine(from descriptor: Int32 = 0, what: String = "the password") throws(WachterError) -> Secret? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(128)
        var byte: UInt8 = 0
        var sawAny = false
        while true {
            // One byte at a time, so that nothing after the newline is consumed:
            // the next reader (the next password) must still find it.
            let count = unsafe read(descriptor, &byte, 1)
            if count < 0 {
                if errno == EINTR { continue }
                let code = errno
                wipe(&bytes)
                throw WachterError(.inputFailure, "cannot read \(what): \(FileAccess.reason(errno: code))")
            }
            if count == 0 { break }
            sawAny = true
            if byte == UInt8(ascii: "\n") { break }
            guard bytes.count < maximumLineBytes else {
                wipe(&bytes)
                throw WachterError(.inputFailure, "\(what) is longer than \(maximumLineBytes) bytes")
            }
            bytes.append(byte)
        }
        byte = 0
        guard sawAny else { return nil }
        if bytes.last == UInt8(ascii: "\r") { bytes.removeLast() }
        return Secret(bytes: bytes)
    }

    /// Reads the first line of a file as a password.
    ///
    /// - Parameter path: The file.
    /// - Returns: The first line, without its newline.
    /// - Throws: ``WachterError/Code/inputFailure`` when the file cannot be read or is empty.
    public static func readFirstLine(ofFile path: String) throws(WachterError) -> Secret {
        let descriptor = unsafe open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw FileAccess.failure(.read, "password file", path, errno: errno) }
        defer { close(descriptor) }
        guard let secret = try readLine(from: descriptor, what: "the password file \(path)") else {
            throw WachterError(.inputFailure, "the password file \(path) is empty")
        }
        return secret
    }

    /// Prompts on the controlling terminal and reads a line with echo off.
    ///
    /// - Parameter prompt: The prompt, written to standard error.
    /// - Returns: The line typed.
    /// - Throws: ``WachterError/Code/inputFailure`` when there is no terminal or reading fails.
    public static func prompt(_ prompt: String) throws(WachterError) -> Secret {
        let descriptor = STDIN_FILENO
        var saved = termios()
        guard unsafe tcgetattr(descriptor, &saved) == 0 else {
            throw WachterError(.inputFailure, "standard input is not a terminal; pipe the password and give --password-stdin")
        }
        var silent = saved
        silent.c_lflag &= ~tcflag_t(ECHO)
        silent.c_lflag |= tcflag_t(ECHONL)
        // Echo goes off (dropping what was typed before) before the prompt is shown, so
        // that an answer typed as soon as the prompt appears is neither echoed nor
        // dropped; the old settings come back without dropping what follows the line
        // (the answer to the next prompt may already be typed).
        guard unsafe tcsetattr(descriptor, TCSAFLUSH, &silent) == 0 else {
            throw WachterError(.inputFailure, "cannot switch off the terminal's echo")
        }
        defer { _ = unsafe tcsetattr(descriptor, TCSADRAIN, &saved) }
        FileHandle.standardError.write(Data(prompt.utf8))
        guard let line = try readLine(from: descriptor) else {
            throw WachterError(.inputFailure, "no password was typed")
        }
        return line
    }

    private static func wipe(_ bytes: inout [UInt8]) {
        let count = bytes.count
        guard count > 0 else { return }
        unsafe bytes.withUnsafeMutableBytes { buffer in unsafe explicit_bzero(buffer.baseAddress!, count) }
    }
}
