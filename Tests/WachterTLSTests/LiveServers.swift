import Foundation

/// The test PKI and loopback servers of scripts/tls/make-pki and scripts/tls/serve,
/// started once per test process in a temporary directory of its own. The serve
/// script's watchdog stops them and removes the directory when this process exits.
struct LiveServers: Sendable {
    /// The directory with the PKI: `ca.pem`, and `NAME.pem`, `NAME.crt`, `NAME.key` per case.
    let directory: String
    let tlsPort: UInt16
    let plainPort: UInt16
    let noCertificatePort: UInt16
    let silentPort: UInt16
    let closedPort: UInt16
    /// Every port serve.env lists, by name, such as `SMTP_PORT` or `OCSP_PORT`.
    let ports: [String: UInt16]

    /// A port serve.env lists, such as `port("SMTP_STALL")` for SMTP_STALL_PORT.
    func port(_ name: String) -> UInt16 { ports[name + "_PORT"] ?? 0 }

    /// The path of a file in the PKI directory.
    func file(_ name: String) -> String { directory + "/" + name }

    /// The shared servers, or why they could not be started.
    static let shared: Result<LiveServers, SetupError> = start()

    /// Why the servers could not be started.
    struct SetupError: Error, CustomStringConvertible {
        var description: String
    }

    /// The servers, or a thrown `SetupError` that says how to fix the machine.
    static func get() throws -> LiveServers {
        try shared.get()
    }

    private static func start() -> Result<LiveServers, SetupError> {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let scripts = root.appendingPathComponent("scripts/tls").path
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("wachter-tls-tests-\(ProcessInfo.processInfo.processIdentifier)").path
        do {
            try run(scripts + "/make-pki", [directory])
            let pid = String(ProcessInfo.processInfo.processIdentifier)
            let output = try run(scripts + "/serve", [directory, "--watch", pid, "--ttl", "1800", "--remove"])
            var ports: [String: UInt16] = [:]
            for line in output.split(separator: "\n") {
                let parts = line.split(separator: "=")
                if parts.count == 2, let port = UInt16(parts[1]) { ports[String(parts[0])] = port }
            }
            guard let tls = ports["TLS_PORT"], let plain = ports["PLAIN_PORT"], let noCertificate = ports["NOCERT_PORT"],
                let silent = ports["SILENT_PORT"], let closed = ports["CLOSED_PORT"]
            else { return .failure(SetupError(description: "scripts/tls/serve printed no ports: \(output)")) }
            return .success(
                LiveServers(
                    directory: directory, tlsPort: tls, plainPort: plain, noCertificatePort: noCertificate,
                    silentPort: silent, closedPort: closed, ports: ports))
        } catch {
            return .failure(error)
        }
    }

    @discardableResult
    private static func run(_ executable: String, _ arguments: [String]) throws(SetupError) -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw SetupError(description: "cannot run \(executable): \(error)")
        }
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let errorText = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw SetupError(
                description: "\(executable) failed with status \(process.terminationStatus) "
                    + "(is nginx installed? run scripts/bootstrap-tls): \(errorText)")
        }
        return text
    }
}
