import Foundation
import Testing
import WachterAgent
import WachterCore

/// Dovecot's policy request bodies, as 2.3 and 2.4 send them (src/auth/auth-policy.c).
struct DovecotPolicyRequestTests {
    @Test func dovecot23sDefaultAttributesAreRead() throws {
        let body =
            #"{"login":"info@example.nl","pwhash":"a3f","remote":"192.0.2.7","device_id":"","protocol":"imap","session_id":"Xb3","success":false,"policy_reject":false,"tls":false}"#
        let request = try DovecotPolicyRequest.parse(Array(body.utf8))
        #expect(request.login == "info@example.nl")
        #expect(request.pwhash == "a3f")
        #expect(request.remote == "192.0.2.7")
        #expect(request.protocol == "imap")
        #expect(request.sessionID == "Xb3")
        #expect(request.success == false)
        #expect(request.policyReject == false)
        #expect(request.failType == nil)
    }

    @Test func dovecot24sFailTypeAndAnOperatorsNestedAttributesAreAccepted() throws {
        let body =
            #"{"attrs":{"geo":{"country":"NL"}},"fail_type":"credentials","login":"a@b.nl","protocol":"pop3","pwhash":"0f1","remote":"::1","tls":true}"#
        let request = try DovecotPolicyRequest.parse(Array(body.utf8))
        #expect(request.failType == "credentials")
        #expect(request.tls == true)
        #expect(request.remote == "::1")
    }

    @Test(arguments: ["", "not json", "[1,2]", #"{"login":42}"#, #"{"success":"yes"}"#, "{\"login\":\"a"])
    func malformedBodiesAreRefusedWithoutRepeatingThem(body: String) throws {
        let error = try #require(throws: WachterError.self) { try DovecotPolicyRequest.parse(Array(body.utf8)) }
        #expect(error.code == .invalidInput)
        #expect(error.message.hasPrefix("malformed policy request"))
        if body.count > 3 { #expect(!error.message.contains(body)) }
    }

    @Test func answersAreTheJSONDovecotReads() throws {
        #expect(String(decoding: DovecotPolicyAnswer.allow.json, as: UTF8.self) == #"{"status":0,"msg":""}"#)
        let refusal = DovecotPolicyAnswer(status: -1, message: "the account is \"locked\"")
        let decoded = try JSONSerialization.jsonObject(with: Data(refusal.json)) as? [String: Any]
        #expect(decoded?["status"] as? Int == -1)
        #expect(decoded?["msg"] as? String == "the account is \"locked\"")
    }
}
