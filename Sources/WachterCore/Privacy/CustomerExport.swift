public import Foundation

/// Everything Wachter holds about one customer, in the form the customer receives it
/// (`wachter customer export`); published as docs/schema/customer-export.schema.json.
///
/// It never holds a password hash: accounts are listed by their state and dates only.
public struct CustomerExport: Codable, Sendable, Equatable {
    /// The schema's version; raised when a field changes meaning or goes away.
    public var schemaVersion = 1
    /// When the export was made.
    public var generatedAt: Date
    /// The customer record, decrypted.
    public var customer: Record
    /// The customer's accounts.
    public var accounts: [AccountEntry]
    /// The customer's sites and their latest checks.
    public var sites: [SiteEntry]
    /// The login records of the customer's accounts that retention still keeps, newest first.
    public var logins: [LoginEntry]
    /// The operator actions that concerned the customer, its accounts or its sites, oldest first.
    public var operatorActions: [ActionEntry]
    /// How long each kind of record is kept.
    public var retention: [RetentionEntry]

    /// The customer record.
    public struct Record: Codable, Sendable, Equatable {
        /// The id.
        public var id: String
        /// The name.
        public var name: String
        /// The company, where given.
        public var company: String?
        /// The contact address, where given.
        public var email: String?
        /// The street address, where given.
        public var address: String?
        /// The postal code, where given.
        public var postcode: String?
        /// The city, where given.
        public var city: String?
        /// The website, where given.
        public var website: String?
        /// The telephone number, where given.
        public var phone: String?
        /// When the customer was added.
        public var createdAt: Date
    }

    /// One account, without its hash.
    public struct AccountEntry: Codable, Sendable, Equatable {
        /// The account's name.
        public var name: String
        /// `mailbox`, `ftp`, `ssh` or `panel`.
        public var kind: String
        /// `ok`, `expiring`, `expired`, `must-change`, `locked-out` or `locked`.
        public var state: String
        /// When the password was last set.
        public var passwordSetAt: Date
        /// When the password expires; absent when it never does.
        public var passwordExpires: Date?
        /// The last successful login, where there was one.
        public var lastLogin: Date?
        /// When the account was added.
        public var createdAt: Date
    }

    /// One site and its latest check.
    public struct SiteEntry: Codable, Sendable, Equatable {
        /// The domain.
        public var domain: String
        /// Where it is checked (host:port), each endpoint.
        public var endpoints: [String]
        /// When it was last checked, if ever.
        public var checkedAt: Date?
        /// The verdict of that check: `ok`, `warning`, `critical` or `unknown`.
        public var verdict: String?
        /// The problems that check found.
        public var problems: [String]
    }

    /// One login record.
    public struct LoginEntry: Codable, Sendable, Equatable {
        /// When.
        public var time: Date
        /// Which account (as tried).
        public var account: String
        /// Which service asked.
        public var service: String
        /// The client's address; absent when unknown or dropped after `login_source_days`.
        public var source: String?
        /// `success`, `failure`, `locked`, `expired` or `unknown-user`.
        public var result: String
    }

    /// One operator action.
    public struct ActionEntry: Codable, Sendable, Equatable {
        /// When.
        public var time: Date
        /// Who (a Unix user).
        public var actor: String
        /// What, such as `customer.edit` or `reset`.
        public var action: String
        /// On what.
        public var target: String
        /// Details (never a secret or a personal value).
        public var detail: String
    }

    /// How long one kind of record is kept.
    public struct RetentionEntry: Codable, Sendable, Equatable {
        /// The kind of record, such as `login records`.
        public var record: String
        /// Days it is kept; absent while the customer is a customer (the record itself).
        public var days: Int?
        /// In words.
        public var rule: String
    }
}

extension CustomerService {
    /// Everything held about one customer, decrypted, for the customer to read.
    ///
    /// - Parameters:
    ///   - id: The customer's id.
    ///   - retention: The retention periods in effect (from the policy).
    /// - Returns: The export; it holds no hash.
    /// - Throws: ``WachterError/Code/notFound``, or when the store fails or a field does not decrypt.
    public func export(id: String, retention: RetentionPeriods) throws -> CustomerExport {
        let (stored, accounts) = try customer(id: id)
        let statuses = AccountService(context: context).statuses(accounts)
        let sites = try SiteService(context: context).list(customerID: id)
        let names = Set(accounts.map(\.name))
        let domains = Set(sites.map(\.site.domain))
        let (events, trail) = try store.read { reader in
            var events: [LoginEvent] = []
            for name in names.sorted() {
                events += try reader.loginEvents(account: name, since: nil, failedOnly: false, limit: nil)
            }
            let trail = try reader.auditEntries().filter { entry in
                entry.target == id || names.contains(entry.target) || domains.contains(entry.target)
                    || entry.detail.contains("customer=\(id)")
            }
            return (events, trail)
        }
        let logins = try events.map { event throws(WachterError) in try context.opening(event) }
            .sorted { $0.time > $1.time }
        return CustomerExport(
            generatedAt: clock.now(),
            customer: .init(
                id: stored.id, name: stored.name, company: stored.company, email: stored.email, address: stored.address,
                postcode: stored.postcode, city: stored.city, website: stored.website, phone: stored.phone,
                createdAt: stored.createdAt),
            accounts: statuses.map { status in
                .init(
                    name: status.account.name, kind: status.account.kind.rawValue, state: status.state,
                    passwordSetAt: status.account.passwordSetAt, passwordExpires: status.passwordExpires,
                    lastLogin: status.account.lastLogin, createdAt: status.account.createdAt)
            },
            sites: sites.map { site, latest in
                .init(
                    domain: site.domain, endpoints: site.endpoints.map(\.connect), checkedAt: latest?.checkedAt,
                    verdict: latest?.verdict.rawValue, problems: latest?.problems.map(\.message) ?? [])
            },
            logins: logins.map {
                .init(time: $0.time, account: $0.account, service: $0.service, source: $0.source, result: $0.result.rawValue)
            },
            operatorActions: trail.map {
                .init(time: $0.time, actor: $0.actor, action: $0.action, target: $0.target, detail: $0.detail)
            },
            retention: [
                .init(record: "customer record", days: nil, rule: "kept while you are a customer; erased on request"),
                .init(record: "accounts", days: nil, rule: "kept while the account exists"),
                .init(
                    record: "login records", days: retention.loginEventsDays,
                    rule: "removed \(retention.loginEventsDays) days after the login"),
                .init(
                    record: "login source addresses", days: retention.loginSourceDays,
                    rule: "removed \(retention.loginSourceDays) days after the login; a keyed digest stays with the record"),
                .init(
                    record: "site checks", days: retention.siteChecksDays,
                    rule: "removed \(retention.siteChecksDays) days after the check"),
                .init(
                    record: "operator actions", days: retention.auditDays,
                    rule: "kept \(retention.auditDays) days (the 7 years tax law sets for business records)"),
            ])
    }
}
