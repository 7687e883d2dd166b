import Foundation
import WachterCore
import WachterTestSupport

/// A store with one customer, in a fresh temporary directory.
func makeService(directory: String) throws -> WachterServices {
    let store = try SQLiteStore(path: directory + "/store/w.sqlite", create: true)
    let hasher = try cheapHasher()
    let service = WachterServices(context: ServiceContext(store: store, hasher: hasher, actor: "test"))
    try service.customers.add(id: "acme", name: "Acme")
    return service
}

/// Sample hashes of the password "correct horse battery staple", one per method.
enum SampleHashes {
    static let yescrypt = "$y$j9T$ez.QExSdnzTEd0CaV0uTP/$NnhN0sPS58O5OToqpO60kYlgtIFnu76roD6TgS0ZqB4"
    static let bcrypt = "$2y$05$E/VuL9LM.H.v1wb5n2FwHuI5s9fVjKWjhdvw06ejW7DjXgCXFAgma"
    static let sha512 =
        "$6$vhSKZZMOJ1a1cr/c$Gi1xkZ9pbotZQo2ZvbGxwvOW/.PwzkJcs.xPJ.PIXctmaeUI41Xs7xOR0H9HLzJRnio7He3IoZMB5hQ0TC.A.1"
    static let sha256 = "$5$rounds=5000$abcdefghijklmnop$0123456789abcdefghijklmnopqrstuvwxyzABCDE"
    static let md5 = "$1$abcdefgh$0123456789abcdefghijkl"
    static let des = "abJnggxhB/yWI"
}
