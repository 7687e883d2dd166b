import Foundation
import Testing

/// Runs the built `wachter` binary as a subprocess, with passwords on standard input.
struct CLI {
    let directory: String
    var store: String { directory + "/store/wachter.sqlite" }

    init() throws {
        directory = NSTemporaryDirectory() + "wachter-cli-" + UUID().uuidString
        try FileManager.default.createDirectory(
            atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    }

    func remove() { try? FileManager.default.removeItem(atPath: directory) }

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static var binary: URL {
        // The test bundle sits in the build products directory beside the executable.
        var candidates = [Bundle.main.bundleURL, Bundle.main.bundleURL.deletingLastPathComponent()]
        candidates += Bundle.allBundles.map { $0.bundleURL.deletingLastPathComponent() }
        for directory in candidates {
            let url = directory.appendingPathComponent("wachter")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        return URL(fileURLWithPath: ".build/debug/wachter")
    }

    @discardableResult
    func run(_ arguments: [String], stdin: String? = nil, environment: [String: String] = [:]) throws -> Result {
        try run(arguments, input: stdin.map { Array($0.utf8) }, environment: environment)
    }

    /// Runs the binary with `input`'s bytes, which need not be UTF-8, on standard input.
    @discardableResult
    func run(_ arguments: [String], input stdin: [UInt8]?, environment: [String: String] = [:]) throws -> Result {
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

@Suite(.serialized)
struct EndToEndTests {
    @Test func theOperatorsDayFromInitToAudit() throws {
        let cli = try CLI()
        defer { cli.remove() }
        #expect(try cli.run(["init"]).status == 0)
        #expect(try cli.run(["customer", "add", "bakkerij", "--name", "Bakkerij Jansen"]).status == 0)
        let add = try cli.run(
            ["account", "add", "info@Bakkerij.NL", "--kind", "mailbox", "--customer", "bakkerij", "--password-stdin"],
            stdin: "correct horse battery\n")
        #expect(add.status == 0, "\(add.stderr)")
        #expect(add.stdout.isEmpty)
        let generated = try cli.run(["account", "add", "jan", "--kind", "ftp", "--customer", "bakkerij", "--generate"])
        #expect(generated.status == 0)
        #expect(generated.stdout.split(separator: "\n").count == 1, "the generated password is alone on stdout")
        let reset = try cli.run(["reset", "info@bakkerij.nl"])
        #expect(reset.status == 0)
        let temporary = reset.stdout.trimmingCharacters(in: .newlines)
        #expect(temporary.count == 23)
        #expect(!reset.stderr.contains(temporary))
        #expect(try cli.run(["verify", "info@bakkerij.nl", "--password-stdin"], stdin: temporary + "\n").status == 0)
        #expect(try cli.run(["verify", "info@bakkerij.nl", "--password-stdin"], stdin: "correct horse battery\n").status == 1)
        let list = try cli.run(["account", "list", "--json"])
        let accounts = try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]]
        #expect(accounts?.count == 2)
        #expect((accounts?.first?["account"] as? [String: Any])?["name"] as? String == "info@bakkerij.nl")
        #expect(!list.stdout.contains("$y$"), "no hash in a listing")
        let audit = try cli.run(["audit", "--verify"])
        #expect(audit.status == 0)
        #expect(audit.stdout.contains("intact: 4 entries"))
        let logins = try cli.run(["logins", "--failed", "--json"])
        #expect(logins.stdout.contains("\"failure\""))
    }

    @Test func badInputGetsAClearErrorAndAnExitCode() throws {
        let cli = try CLI()
        defer { cli.remove() }
        let missing = try cli.run(["account", "list"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("wachter init"))
        #expect(try cli.run(["init"]).status == 0)
        #expect(try cli.run(["customer", "add", "c1", "--name", "One"]).status == 0)
        let colon = try cli.run(["account", "add", "jan:x", "--kind", "ftp", "--customer", "c1", "--generate"])
        #expect(colon.status == 1)
        #expect(colon.stderr.contains("':'"))
        #expect(colon.stdout.isEmpty, "no password printed for a refused account")
        let newline = try cli.run(["account", "add", "jan\nroot", "--kind", "ssh", "--customer", "c1", "--generate"])
        #expect(newline.status == 1)
        #expect(newline.stderr.contains("newline"))
        let usage = try cli.run(["account", "add", "jan", "--kind", "ftp"])
        #expect(usage.status == 64)
        let noStdin = try cli.run(["passwd", "jan"], stdin: "abcdefghijkl\n")
        #expect(noStdin.status == 64)
        #expect(noStdin.stderr.contains("--password-stdin"))
        let unknown = try cli.run(["reset", "nobody"])
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains("no account"))
        #expect(try cli.run(["audit", "--verify"]).status == 0)
    }

    @Test func everyChangeFlushesTheServersCacheAndAFailedFlushIsExit75() throws {
        let cli = try CLI()
        defer { cli.remove() }
        let log = cli.directory + "/flushed"
        let script = cli.directory + "/flush"
        try "#!/bin/sh\necho \"$1\" >> \(log)\n[ \"$1\" != fail ] || exit 3\n".write(
            toFile: script, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: script)
        let flush = ["WACHTER_CACHE_FLUSH": "\(script) %u"]
        #expect(try cli.run(["init"]).status == 0)
        #expect(try cli.run(["customer", "add", "c1", "--name", "One"]).status == 0)
        #expect(
            try cli.run(["account", "add", "jan", "--kind", "ftp", "--customer", "c1", "--generate"], environment: flush).status
                == 0)
        #expect(try cli.run(["lock", "jan"], environment: flush).status == 0)
        #expect(try cli.run(["reset", "jan"], environment: flush).status == 0)
        #expect(try String(contentsOfFile: log, encoding: .utf8) == "jan\njan\njan\n")
        #expect(try cli.run(["account", "add", "fail", "--kind", "ftp", "--customer", "c1", "--generate"]).status == 0)
        let failed = try cli.run(["lock", "fail"], environment: flush)
        #expect(failed.status == 75)
        #expect(failed.stderr.contains("the change was saved"))
        #expect(failed.stderr.contains("status 3"))
        #expect(try cli.run(["account", "show", "fail"]).stdout.contains("yes (by the operator)"), "the lock itself was saved")
    }

    @Test func aStoreOthersCanReadIsRefused() throws {
        let cli = try CLI()
        defer { cli.remove() }
        #expect(try cli.run(["init"]).status == 0)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: cli.store)
        let result = try cli.run(["customer", "list"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("can be read by other users"))
    }

    @Test func aTamperedAuditTrailIsDetected() throws {
        let cli = try CLI()
        defer { cli.remove() }
        #expect(try cli.run(["init"]).status == 0)
        for id in ["c1", "c2", "c3"] { try cli.run(["customer", "add", id, "--name", id]) }
        let sqlite = Process()
        sqlite.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        sqlite.arguments = [cli.store, "UPDATE audit SET target = 'c9' WHERE sequence = 2;"]
        try sqlite.run()
        sqlite.waitUntilExit()
        let result = try cli.run(["audit", "--verify"])
        #expect(result.status == 1)
        #expect(result.stdout.contains("entry 2 was changed"))
    }

    @Test func concurrentProcessesLoseNothing() throws {
        let cli = try CLI()
        defer { cli.remove() }
        #expect(try cli.run(["init"]).status == 0)
        #expect(try cli.run(["customer", "add", "c1", "--name", "One"]).status == 0)
        let writers = 6
        let perWriter = 5
        try withThrowingTaskGroupSync(count: writers) { writer in
            for index in 0..<perWriter {
                let result = try cli.run([
                    "account", "add", "u\(writer)x\(index)", "--kind", "ftp", "--customer", "c1", "--generate",
                ])
                #expect(result.status == 0, "\(result.stderr)")
            }
        }
        let list = try cli.run(["account", "list", "--json"])
        let accounts = try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [Any]
        #expect(accounts?.count == writers * perWriter)
        let audit = try cli.run(["audit", "--verify"])
        #expect(audit.stdout.contains("intact: \(writers * perWriter + 1) entries"))
    }

    @Test func theCanaryNeverAppearsInTheStoreOrAnyOutput() throws {
        let cli = try CLI()
        defer { cli.remove() }
        let canary = "Canary-\(UUID().uuidString.prefix(12))"
        var outputs: [CLI.Result] = []
        outputs.append(try cli.run(["init"]))
        outputs.append(try cli.run(["customer", "add", "c1", "--name", "One"]))
        outputs.append(
            try cli.run(
                ["account", "add", "jan", "--kind", "ssh", "--customer", "c1", "--password-stdin", "-v"], stdin: canary + "\n"))
        outputs.append(try cli.run(["verify", "jan", "--password-stdin", "-v"], stdin: canary + "\n"))
        outputs.append(try cli.run(["verify", "jan", "--password-stdin", "--json"], stdin: canary + "-wrong\n"))
        outputs.append(try cli.run(["passwd", "jan", "--password-stdin", "-v"], stdin: canary + "-2\n"))
        outputs.append(try cli.run(["passwd", "jan", "--password-stdin"], stdin: canary + "\n"))
        let reset = try cli.run(["reset", "jan", "-v"])
        outputs.append(try cli.run(["verify", "jan", "--password-stdin"], stdin: reset.stdout))
        outputs.append(try cli.run(["account", "show", "jan", "--json"]))
        outputs.append(try cli.run(["audit", "--json"]))
        outputs.append(try cli.run(["logins", "--json"]))
        #expect(outputs.allSatisfy { $0.status == 0 || $0.status == 1 })
        for output in outputs {
            #expect(!output.stdout.contains(canary))
            #expect(!output.stderr.contains(canary))
        }
        let temporary = reset.stdout.trimmingCharacters(in: .newlines)
        #expect(!reset.stderr.contains(temporary))
        for file in [cli.store, cli.store + "-wal", cli.store + "-shm"] {
            guard let data = FileManager.default.contents(atPath: file) else { continue }
            #expect(data.range(of: Data(canary.utf8)) == nil, "the canary is in \(file)")
            #expect(data.range(of: Data(temporary.utf8)) == nil, "the temporary password is in \(file)")
        }
    }
}

/// Runs `count` closures on their own threads and waits for all of them.
func withThrowingTaskGroupSync(count: Int, _ body: @escaping @Sendable (Int) throws -> Void) throws {
    let group = DispatchGroup()
    let failures = Failures()
    for index in 0..<count {
        group.enter()
        Thread.detachNewThread {
            do { try body(index) } catch { failures.add("\(error)") }
            group.leave()
        }
    }
    group.wait()
    if let first = failures.first { throw CLIFailure(message: first) }
}

struct CLIFailure: Error { var message: String }

final class Failures: @unchecked Sendable {
    private let lock = NSLock()
    private var messages: [String] = []
    func add(_ message: String) { lock.withLock { messages.append(message) } }
    var first: String? { lock.withLock { messages.first } }
}
