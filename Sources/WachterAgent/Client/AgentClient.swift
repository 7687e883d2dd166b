public import NIOCore
internal import NIOPosix
public import WachterCore

/// A client of the agent, for the hooks' `--agent` mode and for tests.
public struct AgentClient: Sendable {
    /// The agent's socket.
    public var socketPath: String
    /// How long a round trip may take.
    public var timeout: Duration

    /// Creates a client.
    ///
    /// - Parameters:
    ///   - socketPath: The agent's socket.
    ///   - timeout: How long a round trip may take.
    public init(socketPath: String, timeout: Duration = .seconds(10)) {
        self.socketPath = socketPath
        self.timeout = timeout
    }

    /// Encodes a request; the secrets are copied into the frame and nowhere else.
    ///
    /// - Parameters:
    ///   - kind: The request's kind.
    ///   - service: The asking service.
    ///   - user: The account name.
    ///   - source: The client's address.
    ///   - secrets: The password(s) the kind needs.
    /// - Returns: The frame.
    /// - Throws: ``WachterError/Code/invalidInput`` when a field is too long.
    public static func frame(
        _ kind: RequestKind, service: String, user: String, source: String? = nil, secrets: [Secret] = []
    ) throws(WachterError) -> ByteBuffer {
        var buffer = ByteBuffer()
        do {
            try FrameCodec.encodeRequest(
                kind: kind, service: service, user: user, source: source, secrets: secrets, into: &buffer)
        } catch {
            throw WachterError(.invalidInput, "cannot send the request: \(error.reason)")
        }
        return buffer
    }

    /// Sends frames (normally one) and reads one answer per frame.
    ///
    /// - Parameter frames: Encoded requests, such as from ``frame(_:service:user:source:secrets:)``.
    /// - Returns: The answers, in order.
    /// - Throws: ``WachterError/Code/agentUnavailable`` when the agent cannot be reached or does
    ///   not answer in time; ``WachterError/Code/protocolViolation`` for an answer it cannot parse.
    public func send(_ frames: [ByteBuffer]) async throws(WachterError) -> [AgentAnswer] {
        let path = socketPath
        let timeout = timeout
        do {
            return try await withThrowingTaskGroup(of: [AgentAnswer]?.self) { group in
                group.addTask {
                    let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                        .connect(unixDomainSocketPath: path) { channel in
                            channel.eventLoop.makeCompletedFuture {
                                try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(AnswerFrameDecoder()))
                                return try NIOAsyncChannel<AgentAnswer, ByteBuffer>(wrappingChannelSynchronously: channel)
                            }
                        }
                    return try await channel.executeThenClose { inbound, outbound in
                        var answers: [AgentAnswer] = []
                        var iterator = inbound.makeAsyncIterator()
                        for frame in frames {
                            do {
                                try await outbound.write(frame)
                            } catch {
                                // The agent answers a peer it denies at once and closes: a write
                                // that finds it gone still has that answer to read.
                                guard let answer = try? await iterator.next() else { throw error }
                                answers.append(answer)
                                break
                            }
                            guard let answer = try await iterator.next() else { break }
                            answers.append(answer)
                        }
                        return answers
                    }
                }
                group.addTask {
                    try await Task.sleep(for: timeout)
                    return nil
                }
                defer { group.cancelAll() }
                guard let first = try await group.next(), let answers = first else {
                    throw WachterError(.agentUnavailable, "the agent at \(path) did not answer within \(timeout)")
                }
                guard answers.count == frames.count else {
                    throw WachterError(.agentUnavailable, "the agent at \(path) closed the connection without answering")
                }
                return answers
            }
        } catch let error as WachterError {
            throw error
        } catch let error as ProtocolViolation {
            throw WachterError(.protocolViolation, "the agent's answer is malformed: \(error.reason)")
        } catch {
            throw WachterError(.agentUnavailable, "cannot reach the agent at \(path)", cause: "\(error)")
        }
    }

    /// Sends frames and reads one answer per frame, blocking the calling thread and starting
    /// no threads: for one-shot processes such as the hooks.
    ///
    /// - Parameter frames: Encoded requests.
    /// - Returns: The answers, in order.
    /// - Throws: As ``send(_:)``.
    public func sendBlocking(_ frames: [ByteBuffer]) throws(WachterError) -> [AgentAnswer] {
        let connection = try UnixSocketConnection(path: socketPath, timeout: timeout)
        return try exchange(frames, over: connection)
    }

    /// Sends frames over a connected socket and reads one answer per frame.
    ///
    /// - Parameters:
    ///   - frames: Encoded requests.
    ///   - connection: The connected socket.
    /// - Returns: The answers, in order.
    /// - Throws: As ``send(_:)``.
    func exchange(_ frames: [ByteBuffer], over connection: borrowing UnixSocketConnection) throws(WachterError)
        -> [AgentAnswer]
    {
        var answers: [AgentAnswer] = []
        var received = ByteBuffer()
        for frame in frames {
            var unsent: WachterError?
            do {
                try connection.send(Array(frame.readableBytesView))
            } catch {
                // The agent answers a peer it denies at once and closes: a send that finds it
                // gone still has that answer to read.
                unsent = error
            }
            while true {
                do {
                    if let answer = try FrameCodec.decodeAnswer(from: &received) {
                        answers.append(answer)
                        break
                    }
                } catch {
                    throw WachterError(.protocolViolation, "the agent's answer is malformed: \(error.reason)")
                }
                let bytes = try connection.receive()
                guard !bytes.isEmpty else {
                    if let unsent { throw unsent }
                    throw WachterError(.agentUnavailable, "the agent at \(socketPath) closed the connection without answering")
                }
                received.writeBytes(bytes)
            }
        }
        return answers
    }

    /// Sends one request and reads its answer.
    ///
    /// - Parameter frame: The encoded request.
    /// - Returns: The answer.
    /// - Throws: As ``send(_:)``.
    public func send(_ frame: ByteBuffer) async throws(WachterError) -> AgentAnswer {
        let answers = try await send([frame])
        return answers[0]
    }
}
