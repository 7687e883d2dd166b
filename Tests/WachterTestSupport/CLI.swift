public import Foundation

/// Runs the built `wachter` binary as a subprocess, with passwords on standard input.
public struct CLI: Sendable {
    /// The test's private directory.
    public let directory: String
    /// The store the commands use ($WACHTER_STORE).
    public var store: String { directory + "/store/wachter.sqlite" }

    /// Makes a private 0700 directory for one test.
    public init() throws {
        directory = NSTemporaryDirectory() + "wachter-cli-" + UUID().uuidString
        try FileManager.default.createDirectory(
            atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    }

    /// Removes the directory.
    public func remove() { try? FileManager.default.removeItem(atPath: directory) }

    /// What a run printed and how it ended.
    public struct Result: Sendable {
        /// The exit status.
        public var status: Int32
        /// Standard output.
        public var stdout: String
        /// Standard error.
        public var stderr: String
    }

    /// The built `wachter` executable.
    public static var binary: URL {
        // The test bundle sits in the build products directory beside the executable.
        var candidates = [Bundle.main.bundleURL, Bundle.main.bundleURL.deletingLastPathComponent()]
        candidates += Bundle.allBundles.map { $0.bundleURL.deletingLastPathComponent() }
        for directory in candidates {
            let url = directory.appendingPathComponent("wachter")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        return URL(fileURLWithPath: ".build/debug/wachter")
    }

    /// Runs `wachter` with `arguments`, `stdin` on standard input and the store in its environment.
    @discardableResult
    public func run(_ arguments: [String], stdin: String? = nil, environment: [String: String] = [:]) throws -> Result {
        try run(arguments, input: stdin.map { Array($0.utf8) }, environment: environment)
    }

    /// Runs `wachter` with `input`'s bytes, which need not be UTF-8, on standard input.
    @discardableResult
    public func run(_ arguments: [String], input stdin: [UInt8]?, environment: [String: String] = [:]) throws -> Result {
        let process = Process()
        process.executableURL = Self.binary
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env["WACHTER_STORE"] = store
        env.merge(environment) { $1 }
        process.environment = env
        let input = Pipe()
        let output = Pipe()
        let errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin)) }
        try input.fileHandleForWriting.close()
        let out = output.fileHandleForReading.readDataToEndOfFile()
        let err = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus, stdout: String(decoding: out, as: UTF8.self),
            stderr: String(decoding: err, as: UTF8.self))
    }
}
