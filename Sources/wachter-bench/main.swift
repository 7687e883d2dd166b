// Times Wachter's own hashing path (PasswordHasher.hash: NFKC check, crypt_gensalt_rn,
// crypt_rn, the wiped scratch buffers) for scripts/bench/hash. Not installed.
import Foundation
import WachterCore

let arguments = CommandLine.arguments
func value(_ name: String, _ fallback: String) -> String {
    guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count else { return fallback }
    return arguments[index + 1]
}
let count = Int(value("--count", "100")) ?? 100
let method = HashMethod(rawValue: value("--method", "yescrypt")) ?? .yescrypt
let cost = Int(value("--cost", "0")) ?? 0

do {
    guard let password = try SecretReader.readLine() else {
        FileHandle.standardError.write(Data("wachter-bench: give the password on standard input\n".utf8))
        exit(2)
    }
    let hasher = try PasswordHasher(policy: HashingPolicy(method: method, cost: cost))
    let start = DispatchTime.now().uptimeNanoseconds
    var last = ""
    for _ in 0..<count { last = try hasher.hash(password) }
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    precondition(hasher.verify(password, against: last) == .match(needsRehash: false))
    print(String(format: "%.6f", seconds))
} catch {
    FileHandle.standardError.write(Data("wachter-bench: \(error)\n".utf8))
    exit(1)
}
