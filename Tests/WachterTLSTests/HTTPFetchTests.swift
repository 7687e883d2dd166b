import Foundation
import Testing

@testable import WachterTLS

/// The HTTP client of OCSP and CRL fetches, against the CRL server on loopback.
@Suite struct HTTPFetchTests {
    @Test func fetchesABodyOverHTTP() throws {
        let servers = try LiveServers.get()
        let url = "http://127.0.0.1:\(servers.port("CRL"))/intermediate.crl"
        let body = try HTTPFetch.fetch(url, limit: 1 << 20, deadline: .now + .seconds(5)).get()
        #expect(body == Array(try Data(contentsOf: URL(fileURLWithPath: servers.file("crl/intermediate.crl")))))
    }

    @Test func missingFileIsAnHTTPError() throws {
        let servers = try LiveServers.get()
        let result = HTTPFetch.fetch(
            "http://127.0.0.1:\(servers.port("CRL"))/no-such.crl", limit: 1 << 20, deadline: .now + .seconds(5))
        #expect(result == .failure(HTTPFetch.Failure(text: "answered HTTP 404")))
    }

    @Test func bodyOverTheLimitIsRefused() throws {
        let servers = try LiveServers.get()
        let result = HTTPFetch.fetch(
            "http://127.0.0.1:\(servers.port("CRL"))/intermediate.crl", limit: 10, deadline: .now + .seconds(5))
        #expect(result == .failure(HTTPFetch.Failure(text: "sent more than 10 bytes")))
    }

    @Test func onlyPlainHTTPURLs() {
        #expect(HTTPFetch.Target("http://ocsp.example.com") == HTTPFetch.Target("http://ocsp.example.com/"))
        #expect(HTTPFetch.Target("http://ocsp.example.com/")?.endpoint == Endpoint(host: "ocsp.example.com", port: 80))
        #expect(HTTPFetch.Target("http://[2001:db8::1]:8080/x.crl")?.endpoint == Endpoint(host: "2001:db8::1", port: 8080))
        #expect(HTTPFetch.Target("https://ocsp.example.com/") == nil)
        #expect(HTTPFetch.Target("ldap://ldap.example.com/cn=CA") == nil)
        #expect(HTTPFetch.Target("http://user@ocsp.example.com/") == nil)
    }
}
