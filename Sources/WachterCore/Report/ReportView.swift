internal import Foundation

/// The report laid out for people: titled sections of rows, grouped by customer
/// where that helps. Text, Markdown and HTML render this one layout, so that the
/// three formats show the same findings.
///
/// Every string from the store is passed through as data; each renderer escapes it
/// for its format (control characters for the terminal, Markdown syntax, HTML).
public struct ReportView: Sendable {
    /// One line saying what the report is, such as `Wachter report 2024-05-01 to 2024-05-08`.
    public var title: String
    /// The headline: how many actions are needed, or that there is nothing to report.
    public var headline: String
    /// Whether the report is one line (an empty period).
    public var empty: Bool
    /// Short lines under the headline: login counts, the audit chain's state.
    public var summary: [String]
    /// The sections with findings, in the report's order; sections without findings are absent.
    public var sections: [Section]

    /// A titled list of findings.
    public struct Section: Sendable {
        /// A stable id, such as `expired` or `failed-sources`.
        public var id: String
        /// The heading, with the count.
        public var title: String
        /// Whether the section asks for action (otherwise it is for information).
        public var action: Bool
        /// A sentence under the heading, where there is one.
        public var note: String?
        /// The column headings.
        public var columns: [String]
        /// The rows, in groups (by customer where that helps).
        public var groups: [Group]
        /// A line saying how many findings are not listed, where some are not.
        public var more: String?
    }

    /// Rows under one heading.
    public struct Group: Sendable {
        /// The customer, as `Name (id)`, or nil for an ungrouped section.
        public var heading: String?
        /// The rows; each has one cell per column.
        public var rows: [[String]]
    }

    /// Lays out a report.
    ///
    /// - Parameter report: The report.
    public init(_ report: Report) {
        let period = "\(Self.day(report.period.start)) to \(Self.day(report.period.end))"
        title = "Wachter report \(period)"
        empty = report.empty
        if report.empty {
            headline =
                "Nothing to report for \(period): no policy violations, no failed-login sources, "
                + "no operator actions, audit trail intact."
            summary = []
            sections = []
            return
        }
        headline = Self.actionsHeadline(report.actionsNeeded)
        summary = [
            "Logins: \(report.activity.logins) successful, \(report.activity.failed) failed.",
            report.audit.intact
                ? "Audit trail verifies (\(report.audit.verifiedEntries) entries)."
                : "AUDIT TRAIL BROKEN at entry \(report.audit.brokenAt ?? 0): \(report.audit.problem ?? "")",
        ]
        var sections: [Section] = []
        let passwords = report.passwords
        let accountColumns = ["Account", "Kind"]
        if !passwords.expired.isEmpty {
            sections.append(
                Self.byCustomer(
                    "expired", "Passwords expired", passwords.expired, columns: accountColumns + ["Expired", "Days ago"]
                ) { [Self.day($0.expiresAt), String(-($0.days ?? 0))] })
        }
        if !passwords.expiring.isEmpty {
            sections.append(
                Self.byCustomer(
                    "expiring", "Passwords expiring before the next report", passwords.expiring,
                    columns: accountColumns + ["Expires", "Days left"]
                ) { [Self.day($0.expiresAt), String($0.days ?? 0)] })
        }
        if !passwords.mustChange.isEmpty {
            sections.append(
                Self.byCustomer(
                    "must-change", "Must change the password (after a reset, or found in a breach list), and have not",
                    passwords.mustChange, columns: accountColumns + ["Set on", "Days waiting", "Why"]
                ) { [Self.day($0.passwordSetAt), String($0.days ?? 0), $0.reason ?? ""] })
        }
        if !passwords.belowPolicy.isEmpty {
            sections.append(
                Self.byCustomer(
                    "below-policy", "Password hashes below policy", passwords.belowPolicy,
                    columns: accountColumns + ["Method", "Cost", "Why"],
                    note: "Replaced at the next successful login; a reset replaces it now."
                ) { [$0.hashMethod ?? "-", $0.hashCost ?? "-", $0.reason ?? ""] })
        }
        let logins = report.logins
        if !logins.locked.isEmpty {
            var groups: [String: [[String]]] = [:]
            var order: [String] = []
            for item in logins.locked.items {
                let heading = Self.customer(item.customer)
                if groups[heading] == nil { order.append(heading) }
                groups[heading, default: []].append([
                    item.account, item.kind.rawValue,
                    item.lockedBy == "operator" ? "operator" : "lockout until \(Self.time(item.lockedUntil))",
                    String(item.failedAttempts),
                    item.sources.map { "\($0.name) (\($0.attempts))" }.joined(separator: ", ").ifEmpty("-"),
                ])
            }
            sections.append(
                Section(
                    id: "locked", title: "Locked accounts (\(logins.locked.total))", action: true,
                    note: "Failures are those in the period, with their sources.",
                    columns: accountColumns + ["Locked by", "Failures", "From"],
                    groups: order.map { Group(heading: $0, rows: groups[$0] ?? []) }, more: Self.more(logins.locked)))
        }
        if !logins.failedSources.isEmpty {
            sections.append(
                Section(
                    id: "failed-sources", title: "Sources with the most failed logins (\(logins.failedSources.total))",
                    action: true,
                    note: "Sources with at least \(logins.sourceThreshold) failed logins in the period; consider blocking them.",
                    columns: ["Source", "Failures", "Accounts", "Tried most", "Last"],
                    groups: [
                        Group(
                            heading: nil,
                            rows: logins.failedSources.items.map { source in
                                [
                                    source.source, String(source.attempts), String(source.distinctAccounts),
                                    source.accounts.map { "\($0.name) (\($0.attempts))" }.joined(separator: ", "),
                                    Self.time(source.lastSeen),
                                ]
                            })
                    ], more: Self.more(logins.failedSources)))
        }
        if !logins.unknownUsers.isEmpty {
            let unknown = logins.unknownUsers
            var note: String?
            if unknown.hiddenAttempts > 0 {
                note =
                    "\(unknown.hiddenAttempts) more attempts with \(unknown.hiddenNames) other names are counted but not shown: "
                    + "tried once, or not a valid account name (it may be a password typed into the wrong field)."
            }
            sections.append(
                Section(
                    id: "unknown-users", title: "Unknown user names tried (\(unknown.names.total + unknown.hiddenNames))",
                    action: false, note: note, columns: ["Name", "Attempts", "Sources", "Last"],
                    groups: unknown.names.items.isEmpty
                        ? []
                        : [
                            Group(
                                heading: nil,
                                rows: unknown.names.items.map {
                                    [$0.name, String($0.attempts), String($0.sources), Self.time($0.lastSeen)]
                                })
                        ],
                    more: Self.more(unknown.names)))
        }
        if !logins.stale.isEmpty {
            sections.append(
                Self.byCustomer(
                    "stale", "No login for more than \(logins.staleDays) days", logins.stale,
                    columns: accountColumns + ["Last login", "Days"],
                    note: "Remove accounts that are no longer used."
                ) { [$0.lastLogin.map { Self.day($0) } ?? "never", String($0.days ?? 0)] })
        }
        let sites = report.sites
        if !sites.problems.isEmpty {
            sections.append(
                Self.sites(
                    "site-problems", "Sites with certificate problems", sites.problems,
                    columns: ["Site", "Endpoint", "Verdict", "Problem", "Expires", "Days left"]
                ) { site in
                    [
                        site.domain, site.endpointLabel, site.revoked ? "\(site.verdict) (revoked)" : site.verdict,
                        site.problems.joined(separator: "; ").ifEmpty("-"),
                        site.notAfter.map { Self.day($0) } ?? "-", site.daysLeft.map(String.init) ?? "-",
                    ]
                })
        }
        if !sites.notChecked.isEmpty {
            sections.append(
                Self.sites(
                    "sites-unchecked", "Sites not checked in the period", sites.notChecked, columns: ["Site", "Last checked"]
                ) { site in [site.domain, site.checkedAt.map { Self.time($0) } ?? "never"] })
        }
        let audit = report.audit
        if !audit.actions.isEmpty || !audit.intact {
            let counts = audit.counts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
            sections.append(
                Section(
                    id: "audit", title: "Operator actions (\(audit.actions.total))", action: !audit.intact,
                    note: (audit.intact
                        ? "The audit trail verifies (\(audit.verifiedEntries) entries)."
                        : "The audit trail does NOT verify: \(audit.problem ?? "") Run `wachter audit --verify`.")
                        + (counts.isEmpty ? "" : " In the period: \(counts)."),
                    columns: ["#", "Time", "Actor", "Action", "Target"],
                    groups: audit.actions.items.isEmpty
                        ? []
                        : [
                            Group(
                                heading: nil,
                                rows: audit.actions.items.map {
                                    [String($0.sequence), Self.time($0.time), $0.actor, $0.action, $0.target]
                                })
                        ],
                    more: Self.more(audit.actions)))
        }
        let retention = report.retention
        if !retention.isEmpty {
            sections.append(
                Section(
                    id: "retention", title: "Removed by retention", action: false,
                    note: "\(retention.runs) prune runs in the period.", columns: ["Records", "Removed"],
                    groups: [
                        Group(
                            heading: nil,
                            rows: [
                                ["login events", String(retention.loginEvents)],
                                ["site checks", String(retention.siteChecks)],
                                ["earlier password hashes", String(retention.passwordHistory)],
                                ["audit entries (kept as a checkpoint)", String(retention.auditEntries)],
                            ].filter { $0[1] != "0" })
                    ], more: nil))
        }
        let holds = retention.fiscalHolds
        if !holds.isEmpty {
            sections.append(
                Section(
                    id: "fiscal-holds", title: "Held for the fiscal obligation", action: false,
                    note: "Erased customers whose name and address are kept until the date; prune removes them then.",
                    columns: ["Customer", "Fields kept", "Until"],
                    groups: [
                        Group(
                            heading: nil,
                            rows: holds.items.map {
                                [Self.customer($0.customer), $0.fields.joined(separator: ", "), Self.day($0.until)]
                            })
                    ], more: Self.more(holds)))
        }
        self.sections = sections
    }

    /// `3 actions needed`, `1 action needed` or `no action needed`.
    ///
    /// - Parameter count: The number of actions.
    /// - Returns: The phrase.
    public static func actionsHeadline(_ count: Int) -> String {
        switch count {
        case 0: "no action needed"
        case 1: "1 action needed"
        default: "\(count) actions needed"
        }
    }

    // MARK: Helpers

    private static func byCustomer(
        _ id: String, _ title: String, _ section: ReportSection<AccountFinding>, columns: [String], note: String? = nil,
        cells: (AccountFinding) -> [String]
    ) -> Section {
        var groups: [String: [[String]]] = [:]
        var order: [String] = []
        for item in section.items {
            let heading = customer(item.customer)
            if groups[heading] == nil { order.append(heading) }
            groups[heading, default: []].append([item.account, item.kind.rawValue] + cells(item))
        }
        return Section(
            id: id, title: "\(title) (\(section.total))", action: true, note: note, columns: columns,
            groups: order.map { Group(heading: $0, rows: groups[$0] ?? []) }, more: more(section))
    }

    private static func sites(
        _ id: String, _ title: String, _ section: ReportSection<SiteFinding>, columns: [String],
        cells: (SiteFinding) -> [String]
    ) -> Section {
        var groups: [String: [[String]]] = [:]
        var order: [String] = []
        for item in section.items {
            let heading = item.customer.map(customer) ?? "No customer"
            if groups[heading] == nil { order.append(heading) }
            groups[heading, default: []].append(cells(item))
        }
        return Section(
            id: id, title: "\(title) (\(section.total))", action: true, note: nil, columns: columns,
            groups: order.map { Group(heading: $0, rows: groups[$0] ?? []) }, more: more(section))
    }

    private static func customer(_ customer: CustomerRef) -> String { "\(customer.name) (\(customer.id))" }

    private static func more<Item>(_ section: ReportSection<Item>) -> String? {
        section.unlisted > 0 ? "… and \(section.unlisted) more (raise --limit to list them)" : nil
    }

    static func day(_ date: Date?) -> String {
        guard let date else { return "-" }
        return ReportBuilder.day(date)
    }

    static func time(_ date: Date?) -> String {
        guard let date else { return "-" }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate, .withTime, .withColonSeparatorInTime, .withSpaceBetweenDateAndTime]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return String(formatter.string(from: date).prefix(16)) + "Z"
    }
}

extension String {
    fileprivate func ifEmpty(_ replacement: String) -> String { isEmpty ? replacement : self }
}
