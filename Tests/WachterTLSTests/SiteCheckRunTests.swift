import Foundation
import Testing
import WachterCore

@testable import WachterTLS

/// Which checks a run makes of one domain (SiteCheckRun.swift).
struct SiteCheckRunTests {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func anUnregisteredDomainIsCheckedOnPort443() {
        let requests = SiteCheckRun.requests(for: "example.nl", site: nil, selection: .init())
        #expect(requests.count == 1)
        #expect(requests.first?.connects == true)
        #expect(requests.first?.starttls == nil)
    }

    @Test func aRegisteredSiteIsCheckedOnEachEndpointWithItsFilesOnTheFirst() {
        let site = Site(
            domain: "bakkerij.nl", customerID: "b",
            endpoints: [SiteEndpoint(connect: "192.0.2.10:443"), SiteEndpoint(connect: "192.0.2.10:143", starttls: "imap")],
            certFile: "/etc/ssl/b.pem", keyFile: "/etc/ssl/b.key", createdAt: Self.t0)
        let requests = SiteCheckRun.requests(for: "bakkerij.nl", site: site, selection: .init())
        #expect(requests.map(\.starttls) == [nil, .imap])
        #expect(requests.map(\.certFile) == ["/etc/ssl/b.pem", nil])
    }

    @Test func filesOnlyMakesNoConnection() {
        let requests = SiteCheckRun.requests(
            for: "bakkerij.nl", site: nil, selection: .init(certFile: "/tmp/c.pem", filesOnly: true))
        #expect(requests.count == 1)
        #expect(requests.first?.connects == false)
        #expect(requests.first?.certFile == "/tmp/c.pem")
    }
}
