import NIOCore
import Testing
import WachterAgent
import WachterCore

struct AgentProtocolTests {
    @Test func aRequestRoundTripsThroughItsFrame() throws {
        var buffer = try AgentClient.frame(
            .authenticate, service: "dovecot", user: "info@example.nl", secrets: [Secret("correct horse")])
        #expect(Array(buffer.readableBytesView.prefix(6)) == [1, 0, 0, 0, 0x2c, 1])
        let request = try #require(try FrameCodec.decodeRequest(from: &buffer))
        #expect(request.kind == .authenticate)
        #expect(request.service == "dovecot")
        #expect(request.user == "info@example.nl")
        #expect(request.source == nil)
        let password = try #require(request.password).take()
        #expect(password.constantTimeEquals(Secret("correct horse")))
        #expect(buffer.readableBytes == 0)
    }

    @Test func aSealedSecretHandsItsBytesOverOnce() {
        let sealed = SealedSecret(bytes: Array("s3cret".utf8))
        #expect(sealed.take().count == 6)
        #expect(sealed.take().isEmpty)
        #expect("\(sealed)" == "<redacted>")
    }

    @Test func anIncompleteFrameAsksForMoreBytes() throws {
        let whole = try AgentClient.frame(.status, service: "sshd", user: "bob", source: "192.0.2.1")
        for cut in [0, 1, 4, 5, whole.readableBytes - 1] {
            var part = whole.getSlice(at: 0, length: cut)!
            #expect(try FrameCodec.decodeRequest(from: &part) == nil)
        }
    }

    @Test(
        arguments: [
            ([7, 0, 0, 0, 1, 1], "unsupported protocol version 7"),
            ([1, 0, 0, 0x20, 1], "frame of 8193 bytes exceeds the limit of 8192"),
            ([1, 0, 1, 0, 0], "exceeds the limit"),
            ([1, 0, 0, 0, 0], "empty frame"),
            ([1, 0, 0, 0, 1, 9], "unknown request kind"),
            ([1, 0, 0, 0, 3, 2, 0, 1], "runs past the end"),
            ([1, 0, 0, 0, 8, 2, 0, 1, 0x61, 0, 1, 0x62, 0], "fewer fields"),
            ([1, 0, 0, 0, 11, 2, 0, 1, 0x61, 0, 1, 0x62, 0, 0, 0x7a, 0x7a], "bytes after the last field"),
            ([1, 0, 0, 0, 10, 2, 0, 1, 0, 0, 1, 0x62, 0, 1, 0x63], "NUL byte"),
            ([1, 0, 0, 0, 10, 2, 0, 1, 0xff, 0, 1, 0x62, 0, 1, 0x63], "not UTF-8"),
            ([1, 0, 0, 0, 10, 2, 0, 1, 0x61, 0, 1, 0x0a, 0, 1, 0x63], "the user has a control character"),
            ([1, 0, 0, 0, 10, 2, 0, 1, 0x1b, 0, 1, 0x62, 0, 1, 0x63], "the service has a control character"),
            ([1, 0, 0, 0, 11, 2, 0, 1, 0x61, 0, 1, 0x62, 0, 2, 0xc2, 0x85], "the source has a control character"),
            ([1, 0, 0, 0, 5, 2, 0x10, 1, 0, 0], "field of 4097 bytes"),
        ] as [([UInt8], String)])
    func aMalformedFrameIsNamed(bytes: [UInt8], fault: String) {
        var buffer = ByteBuffer(bytes: bytes)
        let error = #expect(throws: ProtocolViolation.self) { try FrameCodec.decodeRequest(from: &buffer) }
        #expect(error?.reason.contains(fault) == true, "\(error?.reason ?? "-")")
    }

    @Test func answersRoundTripForEveryCode() throws {
        for code in AnswerCode.allCases {
            var buffer = ByteBuffer()
            FrameCodec.encode(AgentAnswer(code, "why \(code)"), into: &buffer)
            #expect(try FrameCodec.decodeAnswer(from: &buffer) == AgentAnswer(code, "why \(code)"))
        }
    }

    @Test func theDocumentedSuccessAnswerIsEightBytes() {
        var buffer = ByteBuffer()
        FrameCodec.encode(AgentAnswer(.success), into: &buffer)
        #expect(Array(buffer.readableBytesView) == [1, 0, 0, 0, 3, 0, 0, 0])
    }

    @Test func anUnknownAnswerCodeIsAViolation() {
        var buffer = ByteBuffer(bytes: [1, 0, 0, 0, 3, 0x42, 0, 0])
        #expect(throws: ProtocolViolation.self) { try FrameCodec.decodeAnswer(from: &buffer) }
    }

    @Test func aRequestWithTheWrongNumberOfSecretsIsRefused() {
        #expect(throws: WachterError.self) { try AgentClient.frame(.authenticate, service: "s", user: "u") }
        #expect(throws: WachterError.self) {
            try AgentClient.frame(.authenticate, service: "s", user: "u", secrets: [Secret(String(repeating: "x", count: 5000))])
        }
    }
}
