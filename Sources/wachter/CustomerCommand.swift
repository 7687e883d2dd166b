import ArgumentParser
import WachterCore

struct CustomerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "customer",
        abstract: "Add and list the customers who own accounts.",
        subcommands: [Add.self, List.self, Show.self])

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

        func run() throws {
            let customer = try global.services().customers.add(id: id, name: name, company: company, email: email)
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
                ["ID", "NAME", "COMPANY", "EMAIL"],
                customers.map { [$0.id, $0.name, $0.company ?? "-", $0.email ?? "-"] })
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
            print("added:    \(Output.date(customer.createdAt))")
            print(
                "accounts: \(accounts.isEmpty ? "none" : accounts.map { "\($0.name) (\($0.kind.rawValue))" }.joined(separator: ", "))"
            )
        }
    }
}
