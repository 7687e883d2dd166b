import Testing
import WachterTLS

/// Parsing `--connect HOST:PORT`.
@Suite struct SiteCheckRequestTests {
    @Test(arguments: [
        ("127.0.0.1:8443", "127.0.0.1", UInt16(8443)),
        ("web1.example.net", "web1.example.net", 443),
        ("web1.example.net:443", "web1.example.net", 443),
        ("[::1]:8443", "::1", 8443),
        ("[2001:db8::1]", "2001:db8::1", 443),
        ("::1", "::1", 443),
    ])
    func endpointParses(text: String, host: String, port: UInt16) throws {
        let endpoint = try #require(Endpoint(parsing: text))
        #expect(endpoint.host == host)
        #expect(endpoint.port == port)
    }

    @Test(arguments: ["", ":443", "host:0", "host:70000", "host:https", "[::1", "[::1]x", "a b:1"])
    func malformedEndpointIsRefused(text: String) {
        #expect(Endpoint(parsing: text) == nil)
    }

    @Test func endpointPrintsIPv6InBrackets() {
        #expect(Endpoint(host: "::1", port: 8443).description == "[::1]:8443")
        #expect(Endpoint(host: "a.test", port: 443).description == "a.test:443")
    }

    @Test func defaultEndpointIsTheDomainOnPort443() {
        #expect(SiteCheckRequest(domain: "a.test").endpoint == Endpoint(host: "a.test", port: 443))
    }
}
