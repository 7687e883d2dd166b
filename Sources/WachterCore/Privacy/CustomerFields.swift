internal import Foundation

/// Fields of a customer record to set: each non-nil value replaces the stored one.
///
/// An empty string removes an optional field; the name cannot be removed.
public struct CustomerFields: Sendable, Equatable {
    /// The customer's name.
    public var name: String?
    /// The company.
    public var company: String?
    /// The contact address.
    public var email: String?
    /// The street address.
    public var address: String?
    /// The postal code.
    public var postcode: String?
    /// The city.
    public var city: String?
    /// The website.
    public var website: String?
    /// The telephone number.
    public var phone: String?

    /// Creates a set of changes; every field left nil stays as it is.
    public init(
        name: String? = nil, company: String? = nil, email: String? = nil, address: String? = nil,
        postcode: String? = nil, city: String? = nil, website: String? = nil, phone: String? = nil
    ) {
        self.name = name
        self.company = company
        self.email = email
        self.address = address
        self.postcode = postcode
        self.city = city
        self.website = website
        self.phone = phone
    }

    /// Whether no field is given.
    public var isEmpty: Bool { self == CustomerFields() }

    /// Checks each given field and writes it into `customer`.
    ///
    /// - Parameter customer: The record to change.
    /// - Returns: The names of the fields whose value changed, in a fixed order.
    /// - Throws: ``WachterError/Code/invalidInput`` (or ``WachterError/Code/invalidName`` for the
    ///   email) for a malformed value; then `customer` is unchanged.
    func apply(to customer: inout Customer) throws(WachterError) -> [String] {
        var result = customer
        var changed: [String] = []
        if let name {
            let value = try Names.text(name, what: "customer name")
            if value != result.name { changed.append("name") }
            result.name = value
        }
        func set(
            _ field: String, _ given: String?, _ path: WritableKeyPath<Customer, String?>,
            _ check: (String) throws(WachterError) -> String
        ) throws(WachterError) {
            guard let given else { return }
            let trimmed = given.trimmingCharacters(in: .whitespaces)
            let value = trimmed.isEmpty ? nil : try check(trimmed)
            if value != result[keyPath: path] { changed.append(field) }
            result[keyPath: path] = value
        }
        try set("company", company, \.company) { value throws(WachterError) in try Names.text(value, what: "company") }
        try set("email", email, \.email) { value throws(WachterError) in try Names.mailbox(value) }
        try set("address", address, \.address) { value throws(WachterError) in try Names.text(value, what: "address") }
        try set("postcode", postcode, \.postcode) { value throws(WachterError) in
            try Names.text(value, what: "postal code", maximumLength: 20)
        }
        try set("city", city, \.city) { value throws(WachterError) in try Names.text(value, what: "city") }
        try set("website", website, \.website) { value throws(WachterError) in try Self.website(value) }
        try set("phone", phone, \.phone) { value throws(WachterError) in try Self.phone(value) }
        customer = result
        return changed
    }

    static func website(_ raw: String) throws(WachterError) -> String {
        let value = try Names.text(raw, what: "website", maximumLength: 300)
        guard !value.contains(where: \.isWhitespace) else {
            throw WachterError(.invalidInput, "the website has white space; give an address such as https://example.nl")
        }
        return value
    }

    static func phone(_ raw: String) throws(WachterError) -> String {
        let value = try Names.text(raw, what: "phone number", maximumLength: 40)
        let allowed = Set("0123456789+-() ./")
        guard value.allSatisfy(allowed.contains), value.contains(where: \.isNumber) else {
            throw WachterError(
                .invalidInput, "the phone number may hold only digits, spaces and + - ( ) . /, such as +31 20 123 4567")
        }
        return value
    }
}
