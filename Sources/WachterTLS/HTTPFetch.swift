import Foundation

/// A minimal HTTP/1.0 client for OCSP responders (RFC 6960 appendix A) and CRL
/// distribution points (RFC 5280 4.2.1.13), which are plain `http://` URLs.
///
/// One request per connection (`Connection: close`), every wait bounded by the
/// deadline through `Socket`, and a limit on the body's size. HTTP/1.0 rules out
/// chunked bodies, so the body is what follows the header, up to Content-Length
/// or the end of the connection.
enum HTTPFetch {
    /// Why a fetch gave no body.
    struct Failure: Error, Equatable {
        /// A sentence part, such as "did not answer within 5 s".
        var text: String
    }

    /// Fetches `url`: a GET, or a POST of `body` as `contentType`.
    ///
    /// - Parameters:
    ///   - url: An `http://HOST[:PORT]/PATH` URL.
    ///   - body: The POST body, or nil for a GET.
    ///   - contentType: The POST body's media type.
    ///   - limit: The largest body accepted, in bytes.
    ///   - deadline: When to give up.
    /// - Returns: The body of a 200 answer.
    static func fetch(
        _ url: String, post body: [UInt8]? = nil, contentType: String = "application/ocsp-request", limit: Int,
        deadline: ContinuousClock.Instant
    ) -> Result<[UInt8], Failure> {
        guard let target = Target(url) else { return .failure(Failure(text: "is not an http:// URL")) }
        let socket: Socket
        do {
            socket = try Socket.connect(host: target.endpoint.host, port: target.endpoint.port, deadline: deadline)
        } catch {
            switch error {
            case .refused: return .failure(Failure(text: "refused the connection"))
            case .timeout: return .failure(Failure(text: "did not accept a connection in time"))
            case .unresolved(let detail): return .failure(Failure(text: "does not resolve (\(detail))"))
            case .failed(let detail): return .failure(Failure(text: "cannot be reached (\(detail))"))
            }
        }
        var request =
            "\(body == nil ? "GET" : "POST") \(target.path) HTTP/1.0\r\nHost: \(target.hostHeader)\r\n"
            + "User-Agent: wachter\r\nConnection: close\r\n"
        if let body { request += "Content-Type: \(contentType)\r\nContent-Length: \(body.count)\r\n" }
        request += "\r\n"
        if let failure = socket.send(Array(request.utf8) + (body ?? []), until: deadline) {
            return .failure(Failure(text: "did not take the request (\(failure))"))
        }
        var received: [UInt8] = []
        var headerEnd: Int?
        var contentLength: Int?
        while true {
            if headerEnd == nil, let end = Self.headerEnd(received) {
                headerEnd = end
                let header = String(decoding: received[..<end], as: UTF8.self)
                let lines = header.split(separator: "\r\n")
                let status = lines.first.map { $0.split(separator: " ") } ?? []
                guard status.count >= 2, status[0].hasPrefix("HTTP/"), let code = Int(status[1]) else {
                    return .failure(Failure(text: "did not answer with HTTP"))
                }
                guard code == 200 else { return .failure(Failure(text: "answered HTTP \(code)")) }
                for line in lines.dropFirst() {
                    let parts = line.split(separator: ":", maxSplits: 1)
                    guard parts.count == 2 else { continue }
                    let name = parts[0].lowercased()
                    let value = parts[1].trimmingCharacters(in: .whitespaces)
                    if name == "content-length" { contentLength = Int(value) }
                    if name == "transfer-encoding" && value.lowercased() != "identity" {
                        return .failure(Failure(text: "answered with a \(value) body, which HTTP/1.0 does not allow"))
                    }
                }
            }
            if let headerEnd {
                let bodyCount = received.count - headerEnd - 4
                if bodyCount > limit { return .failure(Failure(text: "sent more than \(limit) bytes")) }
                if let contentLength, bodyCount >= contentLength {
                    return .success(Array(received[(headerEnd + 4)..<(headerEnd + 4 + contentLength)]))
                }
            } else if received.count > 16_384 {
                return .failure(Failure(text: "sent a header of more than 16 KiB"))
            }
            switch socket.receive(upTo: 16_384, until: deadline) {
            case .bytes(let bytes):
                received += bytes
            case .closed:
                guard let headerEnd else { return .failure(Failure(text: "closed the connection without an answer")) }
                if let contentLength, received.count - headerEnd - 4 < contentLength {
                    return .failure(Failure(text: "closed the connection before the end of the answer"))
                }
                return .success(Array(received[(headerEnd + 4)...]))
            case .timeout:
                return .failure(Failure(text: "did not answer in time"))
            case .failed(let detail):
                return .failure(Failure(text: "failed while answering (\(detail))"))
            }
        }
    }

    /// The offset of the blank line that ends the header.
    private static func headerEnd(_ bytes: [UInt8]) -> Int? {
        guard bytes.count >= 4 else { return nil }
        for index in 0...(bytes.count - 4)
        where bytes[index] == 13 && bytes[index + 1] == 10 && bytes[index + 2] == 13 && bytes[index + 3] == 10 {
            return index
        }
        return nil
    }

    /// The parts of an `http://` URL.
    struct Target: Equatable {
        var endpoint: Endpoint
        var hostHeader: String
        var path: String

        init?(_ url: String) {
            guard url.lowercased().hasPrefix("http://") else { return nil }
            let rest = url.dropFirst(7)
            let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
            var path = String(rest.dropFirst(authority.count))
            if let fragment = path.firstIndex(of: "#") { path = String(path[..<fragment]) }
            if path.isEmpty || path.hasPrefix("?") { path = "/" + path }
            guard !authority.contains("@"), !path.contains(where: { $0.isWhitespace || $0.isNewline }),
                let endpoint = Endpoint(parsing: String(authority), defaultPort: 80)
            else { return nil }
            self.endpoint = endpoint
            self.hostHeader = String(authority)
            self.path = path
        }
    }
}
