import Foundation
import Testing
import WachterCore

struct SendmailTests {
    /// A stand-in sendmail that saves its arguments and standard input.
    static func fakeSendmail(in directory: TemporaryDirectory, exit status: Int = 0) throws -> String {
        let path = directory.path + "/sendmail"
        let script = """
            #!/bin/sh
            echo "$@" > "\(directory.path)/arguments"
            cat > "\(directory.path)/message"
            echo "fake sendmail says no" >&2
            exit \(status)
            """
        try Data(script.utf8).write(to: URL(fileURLWithPath: path))
        try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: path)
        return path
    }

    @Test func theMessageReachesSendmailWithDashTDashI() throws {
        let directory = try TemporaryDirectory()
        let message = try MailMessageTests.message().rendered()
        try Sendmail(path: try Self.fakeSendmail(in: directory)).send(message)
        #expect(try String(contentsOfFile: directory.path + "/arguments", encoding: .utf8) == "-t -i\n")
        #expect(try String(contentsOfFile: directory.path + "/message", encoding: .utf8) == message)
    }

    @Test func aRefusalIsADeliveryFailure() throws {
        let directory = try TemporaryDirectory()
        let sendmail = Sendmail(path: try Self.fakeSendmail(in: directory, exit: 75))
        let error = try #require(throws: WachterError.self) { try sendmail.send("Subject: x\r\n\r\nx\r\n") }
        #expect(error.code == .deliveryFailure)
        #expect(error.description.contains("exit status 75"))
        #expect(error.description.contains("fake sendmail says no"))
    }

    @Test func aMissingProgramSaysWhatToInstall() throws {
        let error = try #require(throws: WachterError.self) { try Sendmail(path: "/nonexistent/sendmail").send("x") }
        #expect(error.description.contains("msmtp"))
    }
}
