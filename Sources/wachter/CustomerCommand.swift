import ArgumentParser
import Foundation
import WachterCore

struct CustomerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "customer",
        abstract: "Add, list, show and correct the customers who own accounts.",
        discussion: """
            A customer's name, company, email, address, postal code, city, website and phone
            are personal data: Wachter stores them encrypted under the key file (docs/PRIVACY.md).
            """,
        subcommands: [Add.self, List.self, Show.self, Edit.self, Export.self, Erase.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add",
            abstract: "Add a customer.",
            discussion: "ID is a short stable name of lower-case letters, digits, '.', '_' and '-', such as bakkerij-jansen.")

        @OptionGroup var global: GlobalOptions
        @Argument(help: "The customer's id.") var id: String
        @Option(help: "The customer's name (a person or business).") var name: String
        @Option(help: "The customer's company.") var company: String?
        @Option(help: "The customer's contact address.") var email: String?
        @OptionGroup var contact: ContactOptions

        func run() throws {
            let customer = try global.services().customers.add(
                id: id, name: name, company: company, email: email, contact: contact.fields)
            if global.json { try Output.json(customer) } else { Output.note("Added customer \(customer.id).") }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List the customers.")
        @OptionGroup var global: GlobalOptions

        func run() throws {
            let customers = try global.services().customers.list()
            if global.json { return try Output.json(customers) }
            Output.table(
                ["ID", "NAME", "COMPANY", "EMAIL", "CITY"],
                customers.map { [$0.id, $0.name, $0.company ?? "-", $0.email ?? "-", $0.city ?? "-"] })
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "Show a customer and its accounts.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The customer's id.") var id: String

        struct Result: Encodable {
            var customer: Customer
            var accounts: [Account]
        }

        func run() throws {
            let (customer, accounts) = try global.services().customers.customer(id: id)
            if global.json { return try Output.json(Result(customer: customer, accounts: accounts)) }
            print("id:       \(customer.id)")
            print("name:     \(customer.name)")
            print("company:  \(customer.company ?? "-")")
            print("email:    \(customer.email ?? "-")")
            print("address:  \(customer.address ?? "-")")
            print("postcode: \(customer.postcode ?? "-")")
            print("city:     \(customer.city ?? "-")")
            print("website:  \(customer.website ?? "-")")
            print("phone:    \(customer.phone ?? "-")")
            print("added:    \(Output.date(customer.createdAt))")
            if let held = customer.heldUntil {
                print(
                    "held:     \(CustomerService.heldFields.joined(separator: ", ")) until \(Output.date(held)) "
                        + "(fiscal obligation; `wachter prune` removes them after that)")
            }
            print(
                "accounts: \(accounts.isEmpty ? "none" : accounts.map { "\($0.name) (\($0.kind.rawValue))" }.joined(separator: ", "))"
            )
        }
    }

    struct Edit: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "edit",
            abstract: "Correct a customer's record.",
            discussion: """
                Each option given replaces that field; an empty value (--phone '') removes an
                optional field. The audit trail records which fields changed, never a value.
                """)

        @OptionGroup var global: GlobalOptions
        @Argument(help: "The customer's id.") var id: String
        @Option(help: "The customer's name (a person or business).") var name: String?
        @Option(help: "The customer's company.") var company: String?
        @Option(help: "The customer's contact address.") var email: String?
        @OptionGroup var contact: ContactOptions

        struct Result: Encodable {
            var customer: Customer
            var changed: [String]
        }

        func validate() throws {
            var fields = contact.fields
            fields.name = name
            fields.company = company
            fields.email = email
            if fields.isEmpty {
                throw ValidationError(
                    "Give at least one field to change, such as --city Utrecht; `wachter customer edit --help` lists them.")
            }
            if name?.trimmingCharacters(in: .whitespaces).isEmpty == true {
                throw ValidationError("A customer's name cannot be removed; give --name with the new name.")
            }
        }

        func run() throws {
            var fields = contact.fields
            fields.name = name
            fields.company = company
            fields.email = email
            let (customer, changed) = try global.services().customers.edit(id: id, changes: fields)
            if global.json { return try Output.json(Result(customer: customer, changed: changed)) }
            Output.note(
                changed.isEmpty
                    ? "Nothing changed for customer \(customer.id)."
                    : "Changed \(changed.joined(separator: ", ")) of customer \(customer.id).")
        }
    }
}

extension CustomerCommand {
    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "export",
            abstract: "Everything Wachter holds about a customer, for the customer.",
            discussion: """
                The record, each account (kind, state, when the password was set and expires,
                last login; never a hash), each site with its last check, the login records of
                the customer's accounts that retention still keeps, the operator actions that
                concerned them, and how long each kind of record is kept. JSON follows
                docs/schema/customer-export.schema.json. The output file is written mode 0600.
                """)

        enum Format: String, ExpressibleByArgument, CaseIterable { case json, text }

        @OptionGroup var global: GlobalOptions
        @Argument(help: "The customer's id.") var id: String
        @Option(help: "json (the default) or text.") var format: Format = .json
        @Option(help: ArgumentHelp("Write to this file instead of standard output.", valueName: "path")) var output: String?

        func run() throws {
            let policy = try global.loadPolicy()
            let export = try global.services(policy: policy).customers.export(
                id: id, retention: RetentionPeriods(policy: policy))
            let text = format == .json ? try Output.jsonString(export) + "\n" : Self.text(export)
            if let output {
                try FileAccess.write(Array(text.utf8), to: output, what: "customer export", mode: 0o600)
                Output.note("Wrote the export of customer \(export.customer.id) to \(output).")
            } else {
                Swift.print(text, terminator: "")
            }
        }

        static func text(_ export: CustomerExport) -> String {
            var lines = ["What Wachter holds about customer \(export.customer.id), \(Output.date(export.generatedAt))", ""]
            let record = export.customer
            lines.append("RECORD")
            for (label, value) in [
                ("name", record.name), ("company", record.company), ("email", record.email), ("address", record.address),
                ("postcode", record.postcode), ("city", record.city), ("website", record.website), ("phone", record.phone),
                ("added", Output.date(record.createdAt)),
            ] {
                lines.append("  \(label): \(value ?? "-")")
            }
            lines.append("")
            lines.append("ACCOUNTS (\(export.accounts.count))")
            for account in export.accounts {
                lines.append(
                    "  \(account.name) (\(account.kind)): \(account.state), password set \(Output.date(account.passwordSetAt)), "
                        + "expires \(account.passwordExpires.map(Output.date) ?? "never"), "
                        + "last login \(account.lastLogin.map(Output.date) ?? "never")")
            }
            lines.append("")
            lines.append("SITES (\(export.sites.count))")
            for site in export.sites {
                lines.append(
                    "  \(site.domain): \(site.verdict ?? "not checked")\(site.checkedAt.map { " at " + Output.date($0) } ?? "")"
                        + (site.problems.isEmpty ? "" : " (" + site.problems.joined(separator: "; ") + ")"))
            }
            lines.append("")
            lines.append("LOGINS (\(export.logins.count))")
            for login in export.logins {
                lines.append(
                    "  \(Output.date(login.time)) \(login.account) \(login.service) from \(login.source ?? "-"): \(login.result)")
            }
            lines.append("")
            lines.append("OPERATOR ACTIONS (\(export.operatorActions.count))")
            for action in export.operatorActions {
                lines.append(
                    "  \(Output.date(action.time)) \(action.actor) \(action.action) \(action.target) \(action.detail)")
            }
            lines.append("")
            lines.append("RETENTION")
            for entry in export.retention { lines.append("  \(entry.record): \(entry.rule)") }
            return lines.joined(separator: "\n") + "\n"
        }
    }
}

extension CustomerCommand {
    struct Erase: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "erase",
            abstract: "Erase a customer's data.",
            discussion: """
                Removes the customer's accounts (their lines leave every export file and the
                caches are flushed), sites and site checks, login records, password history and
                contact data, and the personal parts of the audit entries that concerned them;
                `audit --verify` still passes. With --hold-until, the name, company, address,
                postal code and city are kept for the fiscal obligation (invoices), and `prune`
                removes them after that date. See docs/PRIVACY.md.
                """)

        @OptionGroup var global: GlobalOptions
        @Argument(help: "The customer's id.") var id: String
        @Option(
            help: ArgumentHelp(
                "Keep the invoice data (name, company, address, postal code, city) until this day.", valueName: "YYYY-MM-DD"))
        var holdUntil: String?

        func validate() throws {
            if let holdUntil, Self.day(holdUntil) == nil {
                throw ValidationError("--hold-until takes a day as YYYY-MM-DD, such as 2033-12-31.")
            }
        }

        static func day(_ text: String) -> Date? {
            guard text.count == 10 else { return nil }
            return ISO8601DateFormatter().date(from: text + "T00:00:00Z")
        }

        func run() throws {
            let outcome = try global.services().customers.erase(id: id, holdUntil: holdUntil.flatMap(Self.day))
            if global.json { return try Output.json(outcome) }
            Output.note(
                "Erased customer \(id): \(outcome.removed.accounts) accounts, \(outcome.removed.sites) sites, "
                    + "\(outcome.removed.loginEvents) login records, \(outcome.auditEntries) audit entries' personal parts."
                    + (outcome.heldUntil.map { " Invoice data held until \(Output.date($0))." } ?? ""))
        }
    }
}

/// The contact fields of a customer record beside name, company and email.
struct ContactOptions: ParsableArguments {
    @Option(help: "The street address.") var address: String?
    @Option(help: "The postal code.") var postcode: String?
    @Option(help: "The city.") var city: String?
    @Option(help: "The customer's website, such as https://bakkerij-jansen.nl.") var website: String?
    @Option(help: "A telephone number, such as '+31 20 123 4567'.") var phone: String?

    var fields: CustomerFields {
        CustomerFields(address: address, postcode: postcode, city: city, website: website, phone: phone)
    }
}
