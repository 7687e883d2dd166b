internal import Foundation

/// A customer record sealed for the store and opened from it, field by field, each
/// field bound to the customer's id and its column.
extension ServiceContext {
    static var customerColumns: [(String, WritableKeyPath<Customer, String?>)] {
        [
            ("company", \.company), ("email", \.email), ("address", \.address), ("postcode", \.postcode),
            ("city", \.city), ("website", \.website), ("phone", \.phone),
        ]
    }

    /// The record as the store keeps it: every personal field sealed.
    func sealing(_ customer: Customer) throws(WachterError) -> Customer {
        var sealed = customer
        sealed.name = try fieldProtection.seal(customer.name, FieldBinding("customer", customer.id, "name")) ?? ""
        for (column, path) in Self.customerColumns {
            sealed[keyPath: path] = try fieldProtection.seal(
                customer[keyPath: path], FieldBinding("customer", customer.id, column))
        }
        return sealed
    }

    /// The record as read from the store, every personal field opened.
    func opening(_ stored: Customer) throws(WachterError) -> Customer {
        var customer = stored
        customer.name = try fieldProtection.open(stored.name, FieldBinding("customer", stored.id, "name")) ?? ""
        for (column, path) in Self.customerColumns {
            customer[keyPath: path] = try fieldProtection.open(stored[keyPath: path], FieldBinding("customer", stored.id, column))
        }
        return customer
    }

    /// A customer's name as read from a store row (a report's join), opened.
    func openCustomerName(_ stored: String, id: String) throws(WachterError) -> String {
        try fieldProtection.open(stored, FieldBinding("customer", id, "name")) ?? ""
    }
}
