internal import Foundation

/// Hands a message to the system's `sendmail` interface, as Postfix, Exim and msmtp provide it.
public struct Sendmail: Sendable {
    /// The default program.
    public static let defaultPath = "/usr/sbin/sendmail"

    /// The program to run.
    public var path: String
    /// Its arguments: `-t` reads the recipients from the headers, `-i` keeps a line of one dot.
    public var arguments: [String]

    /// Creates a sender.
    ///
    /// - Parameters:
    ///   - path: The sendmail program.
    ///   - arguments: Its arguments.
    public init(path: String = Sendmail.defaultPath, arguments: [String] = ["-t", "-i"]) {
        self.path = path
        self.arguments = arguments
    }

    /// Runs the program with the message on its standard input and waits for it.
    ///
    /// - Parameter message: The rendered message (``MailMessage/rendered(boundary:messageID:)``).
    /// - Throws: ``WachterError/Code/deliveryFailure`` when the program cannot be run or exits non-zero;
    ///   the message quotes at most the first line of its standard error.
    public func send(_ message: String) throws {
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw WachterError(
                .deliveryFailure,
                "there is no sendmail program at \(path); install an MTA (postfix, exim4 or msmtp-mta) or give --sendmail")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        let input = Pipe()
        // Standard error goes to a temporary file, so that a program that writes much
        // to it while we write the message cannot block on a full pipe.
        let errorPath = NSTemporaryDirectory() + "wachter-sendmail-" + UUID().uuidString
        guard FileManager.default.createFile(atPath: errorPath, contents: nil, attributes: [.posixPermissions: 0o600]),
            let errorFile = FileHandle(forWritingAtPath: errorPath)
        else {
            throw WachterError(.deliveryFailure, "cannot create a temporary file for \(path)'s messages")
        }
        defer {
            try? errorFile.close()
            try? FileManager.default.removeItem(atPath: errorPath)
        }
        process.standardInput = input
        process.standardOutput = FileHandle.nullDevice
        process.standardError = errorFile
        do {
            try process.run()
        } catch {
            throw WachterError(.deliveryFailure, "cannot run \(path)", cause: error.localizedDescription)
        }
        do {
            try input.fileHandleForWriting.write(contentsOf: Data(message.utf8))
            try input.fileHandleForWriting.close()
        } catch {
            process.terminate()
        }
        process.waitUntilExit()
        let stderr = FileManager.default.contents(atPath: errorPath) ?? Data()
        guard process.terminationReason == .exit, process.terminationStatus == 0 else {
            let firstLine = String(decoding: stderr, as: UTF8.self).split(separator: "\n").first.map(String.init) ?? ""
            throw WachterError(
                .deliveryFailure, "\(path) did not accept the message (exit status \(process.terminationStatus))",
                cause: firstLine.isEmpty ? nil : String(firstLine.prefix(300)))
        }
    }
}
