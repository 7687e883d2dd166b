internal import Foundation

/// How a reload command ended.
public struct ReloadOutcome: Codable, Sendable, Equatable {
    /// The argument vector that ran.
    public var command: [String]
    /// Its exit status, or nil when it could not be started or was ended by a signal.
    public var status: Int32?
    /// The last line it wrote to standard error, or why it could not run.
    public var message: String?

    /// Whether it exited with status 0.
    public var succeeded: Bool { status == 0 }

    /// One line for people: the command and how it ended.
    public var summary: String {
        let ending = status.map { "exit status \($0)" } ?? "did not finish"
        return "\(command.joined(separator: " ")): \(ending)\(message.map { " (\($0))" } ?? "")"
    }
}

/// Runs an export target's reload command, such as `doveadm auth cache flush` or `pure-pw mkdb`.
///
/// The command is an argument vector run directly (no shell), with standard
/// input and output on /dev/null and standard error captured for the report. A
/// bare program name is looked up in `PATH` by /usr/bin/env.
public enum ReloadCommand {
    /// Runs a command and waits for it.
    ///
    /// - Parameter command: The program and its arguments.
    /// - Returns: The exit status, or nil when it did not start or did not exit, and the last line of its standard error.
    public static func run(_ command: [String]) -> ReloadOutcome {
        guard let program = command.first else { return ReloadOutcome(command: command, status: nil, message: "empty command") }
        let process = Process()
        if program.hasPrefix("/") {
            process.executableURL = URL(fileURLWithPath: program)
            process.arguments = Array(command.dropFirst())
        } else {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = command
        }
        let errors = Pipe()
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = errors
        do {
            try process.run()
        } catch {
            return ReloadOutcome(command: command, status: nil, message: "cannot start: \(error.localizedDescription)")
        }
        // Reading to the end first: the pipe closes when the command exits, and a
        // command that fills the pipe is never left blocked.
        let output = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let lastLine = String(decoding: output, as: UTF8.self).split(whereSeparator: \.isNewline).last.map {
            String($0.prefix(200))
        }
        let status: Int32? = process.terminationReason == .exit ? process.terminationStatus : nil
        return ReloadOutcome(command: command, status: status, message: lastLine)
    }
}
