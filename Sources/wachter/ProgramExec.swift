import Foundation
import Glibc

/// Replaces the process with another program (execve(2)); the one place the command line calls exec.
enum ProgramExec {
    /// Runs `arguments[0]` (a path, or a name found on $PATH) in place of this process.
    ///
    /// - Parameters:
    ///   - arguments: The program and its arguments.
    ///   - environment: The program's environment.
    /// - Returns: Only on failure: the reason.
    static func replaceProcess(with arguments: [String], environment: [String: String]) -> String {
        var path = arguments[0]
        if !path.contains("/") {
            let directories = (environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":")
            guard
                let found = directories.map({ "\($0)/\(path)" }).first(where: { FileManager.default.isExecutableFile(atPath: $0) }
                )
            else { return "not found on PATH" }
            path = found
        }
        let argv = arguments.map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        execve(path, argv, envp)
        let reason = String(cString: strerror(errno))
        for pointer in argv + envp { free(pointer) }
        return reason
    }
}
