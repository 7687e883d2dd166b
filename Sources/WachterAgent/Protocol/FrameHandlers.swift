internal import NIOCore

/// What the agent's decoder hands to a connection: a request, or why the stream must end.
enum InboundFrame: Sendable {
    /// A complete, well-formed request.
    case request(AgentRequest)
    /// A malformed frame; the connection gets an `error` answer and is closed.
    case malformed(String)
    /// The peer closed the connection in the middle of a frame.
    case truncated
}

/// Splits the agent's inbound bytes into requests (docs/PROTOCOL.md).
///
/// After the first malformed frame it reads nothing more: the rest of the stream
/// cannot be trusted to start on a frame boundary.
final class RequestFrameDecoder: ByteToMessageDecoder {
    typealias InboundOut = InboundFrame
    private var failed = false

    func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard !failed else {
            buffer.moveReaderIndex(to: buffer.writerIndex)
            return .needMoreData
        }
        do {
            guard let request = try FrameCodec.decodeRequest(from: &buffer) else { return .needMoreData }
            context.fireChannelRead(wrapInboundOut(.request(request)))
            return .continue
        } catch {
            failed = true
            buffer.moveReaderIndex(to: buffer.writerIndex)
            context.fireChannelRead(wrapInboundOut(.malformed(error.reason)))
            return .needMoreData
        }
    }

    func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        while try decode(context: context, buffer: &buffer) == .continue {}
        if !failed && buffer.readableBytes > 0 {
            buffer.moveReaderIndex(to: buffer.writerIndex)
            context.fireChannelRead(wrapInboundOut(.truncated))
        }
        return .needMoreData
    }
}

/// Writes the agent's answers as frames.
final class AnswerFrameEncoder: MessageToByteEncoder {
    typealias OutboundIn = AgentAnswer

    func encode(data: AgentAnswer, out: inout ByteBuffer) throws {
        FrameCodec.encode(data, into: &out)
    }
}

/// Splits a client's inbound bytes into answers; a malformed answer is an error.
final class AnswerFrameDecoder: ByteToMessageDecoder {
    typealias InboundOut = AgentAnswer

    func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let answer = try FrameCodec.decodeAnswer(from: &buffer) else { return .needMoreData }
        context.fireChannelRead(wrapInboundOut(answer))
        return .continue
    }

    func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        while try decode(context: context, buffer: &buffer) == .continue {}
        return .needMoreData
    }
}

/// Closes a connection that has been idle for the `IdleStateHandler`'s time.
final class IdleCloser: ChannelInboundHandler {
    typealias InboundIn = NIOAny

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is IdleStateHandler.IdleStateEvent {
            context.close(promise: nil)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }
}
