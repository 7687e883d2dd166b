internal import Foundation

/// The report as built from the store holds customer names and source addresses as the
/// store keeps them (sealed); this opens the few it lists, after the queries ran.
///
/// Only listed items are opened (each section lists at most its item limit), so the cost
/// does not grow with the number of accounts or login records.
extension ServiceContext {
    func opening(_ report: Report) throws(WachterError) -> Report {
        var report = report
        var names: [String: String] = [:]
        func customer(_ ref: CustomerRef) throws(WachterError) -> CustomerRef {
            if let known = names[ref.id + "\u{0}" + ref.name] { return CustomerRef(id: ref.id, name: known) }
            let name = try openCustomerName(ref.name, id: ref.id)
            names[ref.id + "\u{0}" + ref.name] = name
            return CustomerRef(id: ref.id, name: name)
        }
        func accounts(_ section: inout ReportSection<AccountFinding>) throws(WachterError) {
            for index in section.items.indices {
                section.items[index].customer = try customer(section.items[index].customer)
            }
        }
        func sites(_ section: inout ReportSection<SiteFinding>) throws(WachterError) {
            for index in section.items.indices {
                if let ref = section.items[index].customer { section.items[index].customer = try customer(ref) }
            }
        }
        try accounts(&report.passwords.expired)
        try accounts(&report.passwords.expiring)
        try accounts(&report.passwords.mustChange)
        try accounts(&report.passwords.belowPolicy)
        try accounts(&report.logins.stale)
        for index in report.retention.fiscalHolds.items.indices {
            report.retention.fiscalHolds.items[index].customer = try customer(report.retention.fiscalHolds.items[index].customer)
        }
        try sites(&report.sites.problems)
        try sites(&report.sites.notChecked)
        for index in report.logins.locked.items.indices {
            var item = report.logins.locked.items[index]
            item.customer = try customer(item.customer)
            for source in item.sources.indices {
                item.sources[source].name =
                    try fieldProtection.open(item.sources[source].name, Self.sourceBinding(account: item.account)) ?? "-"
            }
            report.logins.locked.items[index] = item
        }
        for index in report.logins.failedSources.items.indices {
            let item = report.logins.failedSources.items[index]
            guard let account = item.accounts.first?.name else { continue }
            report.logins.failedSources.items[index].source =
                try fieldProtection.open(item.source, Self.sourceBinding(account: account)) ?? item.source
        }
        return report
    }
}
