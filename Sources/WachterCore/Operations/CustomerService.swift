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
    ///   - contact: The address, postal code, city, website and phone, where known.
    /// - Returns: The stored customer.
    /// - Throws: ``WachterError`` for a bad id or text, or a taken id.
    @discardableResult
    public func add(
        id: String, name: String, company: String? = nil, email: String? = nil, contact: CustomerFields = CustomerFields()
    ) throws -> Customer {
        var customer = Customer(
            id: try Names.customerID(id), name: try Names.text(name, what: "customer name"), createdAt: clock.now())
        var fields = contact
        fields.company = company
        fields.email = email
        _ = try fields.apply(to: &customer)
        try store.write { writer in
            guard try writer.customer(id: customer.id) == nil else {
                throw WachterError(.alreadyExists, "a customer with id '\(customer.id)' exists already")
            }
            try writer.insert(try context.sealing(customer))
            try AuditChain.append(
                to: writer, time: customer.createdAt, actor: actor, action: "customer.add", target: customer.id)
        }
        logger.info("customer added", metadata: ["customer": "\(customer.id)"])
        return customer
    }

    /// Corrects a customer's record: each field given replaces the stored one (an empty
    /// value removes an optional field). The audit entry names the fields, never a value.
    ///
    /// - Parameters:
    ///   - id: The customer's id.
    ///   - changes: The fields to change.
    /// - Returns: The customer as stored afterwards, and the names of the fields that changed.
    /// - Throws: ``WachterError/Code/notFound``, ``WachterError/Code/invalidInput`` for a bad value
    ///   or no field given; then nothing is changed.
    @discardableResult
    public func edit(id: String, changes: CustomerFields) throws -> (customer: Customer, changed: [String]) {
        guard !changes.isEmpty else {
            throw WachterError(.invalidInput, "no field to change was given; nothing was changed")
        }
        let result: (Customer, [String]) = try store.write { writer in
            guard let stored = try writer.customer(id: id) else { throw Lookup.noCustomer(id) }
            var customer = try context.opening(stored)
            let changed = try changes.apply(to: &customer)
            guard !changed.isEmpty else { return (customer, []) }
            try writer.update(try context.sealing(customer))
            try AuditChain.append(
                to: writer, time: clock.now(), actor: actor, action: "customer.edit", target: customer.id,
                detail: "fields=" + changed.joined(separator: ","))
            return (customer, changed)
        }
        logger.info("customer edited", metadata: ["customer": "\(id)", "fields": "\(result.1.joined(separator: ","))"])
        return result
    }

    /// All customers, by id.
    ///
    /// - Throws: ``WachterError`` when the store fails or a field does not decrypt.
    public func list() throws -> [Customer] {
        try store.read { try $0.customers() }.map { try context.opening($0) }
    }

    /// One customer and its accounts.
    ///
    /// - Parameter id: The customer's id.
    /// - Throws: ``WachterError/Code/notFound``, or when a field does not decrypt.
    public func customer(id: String) throws -> (customer: Customer, accounts: [Account]) {
        let (customer, accounts) = try store.read { reader in
            guard let customer = try reader.customer(id: id) else { throw Lookup.noCustomer(id) }
            return (customer, try reader.accounts(kind: nil, customerID: id))
        }
        return (try context.opening(customer), accounts)
    }
}
