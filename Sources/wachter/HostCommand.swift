import ArgumentParser
import Foundation
import WachterCore

struct HostCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "host",
        abstract: "Show the hosts that share the store (docs/HOSTS.md).",
        subcommands: [HostListCommand.self])
}

struct HostListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List every host: its version, last heartbeat, export files and the jobs it ran last.",
        discussion: """
            Each agent (`wachter serve`) registers its host (--host, default $WACHTER_HOST,
            else the system's host name) and renews the record at each heartbeat (30 s by
            default). A host whose agent has not been seen for longer than --stale-after is
            flagged STALE; a host that wrote export files but never ran an agent is always
            stale. Export files are listed with when the host last wrote them; jobs run with
            --once-per (prune, report, site-check) with the host that ran them last.

            EXIT STATUS: 0 every host is current; 1 an error; 3 a host is stale.
            """)

    @OptionGroup var global: GlobalOptions

    @Option(help: ArgumentHelp("Flag a host not seen for longer than this (such as 90s, 5m).", valueName: "period"))
    var staleAfter: Period = Period(argument: "90s")!

    func validate() throws {
        guard staleAfter.seconds >= 1 else { throw ValidationError("--stale-after must be at least 1s, such as 90s.") }
    }

    func run() throws {
        let hosts = try global.services().hosts.list(staleAfter: staleAfter.seconds)
        if global.json {
            try Output.json(hosts)
        } else {
            print(Self.text(hosts, now: GlobalOptions.clock().now()), terminator: "")
        }
        if hosts.contains(where: \.stale) { throw ExitCode(3) }
    }

    /// One line per host, then its export files and jobs indented beneath.
    static func text(_ hosts: [HostStatus], now: Date) -> String {
        guard !hosts.isEmpty else { return "No host has registered: start `wachter serve` on each server.\n" }
        func ago(_ date: Date?) -> String {
            guard let date else { return "never" }
            let seconds = Int(now.timeIntervalSince(date).rounded())
            if seconds < 120 { return "\(seconds)s ago" }
            if seconds < 7200 { return "\(seconds / 60)m ago" }
            return "\(seconds / 3600)h ago"
        }
        var output = ""
        for host in hosts {
            output += "\(host.name)  \(host.stale ? "STALE" : "ok")  version \(host.version ?? "-")  seen \(ago(host.lastSeen))"
            if let position = host.position { output += "  followed through \(position)" }
            output += "\n"
            for target in host.targets { output += "  export \(target.path)  written \(ago(target.writtenAt))\n" }
            for job in host.jobs {
                output += "  job \(job.job)  started \(ago(job.startedAt))  \(job.outcome ?? "running")\n"
            }
        }
        return output
    }
}

/// `--once-per`: a job that every host's timer starts, run by one of them.
struct OncePerOptions: ParsableArguments {
    @Option(
        name: .customLong("once-per"),
        help: ArgumentHelp(
            "Run only if no host (sharing the store) started this job within this period, such as 1h or 6d.",
            discussion: "The host that runs it is recorded; `wachter host list` shows it. Without it, the job always runs.",
            valueName: "period"))
    var oncePer: Period?

    func validate() throws {
        if let oncePer, oncePer.seconds < 1 { throw ValidationError("--once-per must be at least 1s, such as 1h.") }
    }

    /// Prints (on standard output: it is the command's result) what kept a job from running here.
    static func skipped(_ job: String, by run: JobRun) {
        print(
            "\(job) already ran on \(run.host) at \(ISO8601DateFormatter().string(from: run.startedAt)); not run again (--once-per)."
        )
    }
}
