internal import Foundation
internal import Logging

/// The business's customers: the owners of accounts and sites.
public struct CustomerService: ContextualService {
    let context: ServiceContext

    /// Adds a customer.
    ///
    /// - Parameters:
    ///   - id: The customer's id, such as `bakkerij-jansen`.
    ///   - name: The customer's name.
    ///   - company: The company, if any.
    ///   - email: A contact address, if any.
    /// - Returns: The stored customer.
    /// - Throws: ``WachterError`` for a bad id or text, or a taken id.
    @discardableResult
    public func add(id: String, name: String, company: String? = nil, email: String? = nil) throws -> Customer {
        let customer = Customer(
            id: try Names.customerID(id), name: try Names.text(name, what: "customer name"),
            company: try company.map { value throws(WachterError) in try Names.text(value, what: "company") },
            email: try email.map { value throws(WachterError) in try Names.mailbox(value) }, createdAt: clock.now())
        try store.write { writer in
            guard try writer.customer(id: customer.id) == nil else {
                throw WachterError(.alreadyExists, "a customer with id '\(customer.id)' exists already")
            }
            try writer.insert(customer)
            try AuditChain.append(
                to: writer, time: customer.createdAt, actor: actor, action: "customer.add", target: customer.id)
        }
        logger.info("customer added", metadata: ["customer": "\(customer.id)"])
        return customer
    }

    /// All customers, by id.
    ///
    /// - Throws: ``WachterError`` when the store fails.
    public func list() throws -> [Customer] {
        try store.read { try $0.customers() }
    }

    /// One customer and its accounts.
    ///
    /// - Parameter id: The customer's id.
    /// - Throws: ``WachterError/Code/notFound``.
    public func customer(id: String) throws -> (customer: Customer, accounts: [Account]) {
        try store.read { reader in
            guard let customer = try reader.customer(id: id) else { throw Lookup.noCustomer(id) }
            return (customer, try reader.accounts(kind: nil, customerID: id))
        }
    }
}
