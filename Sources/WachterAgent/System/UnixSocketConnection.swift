internal import Glibc
internal import WachterCore

/// A blocking Unix stream socket for one-shot clients such as the hooks.
///
/// It starts no threads, unlike an event loop group: Dovecot runs checkpassword under
/// an address-space limit (`vsz_limit`) that a thread pool's reservations can exceed.
/// This file owns the socket descriptor and every C call made on it (unix(7), socket(7)).
struct UnixSocketConnection: ~Copyable {
    private let descriptor: Int32

    /// Connects, with `timeout` applied to every send and receive (SO_SNDTIMEO, SO_RCVTIMEO).
    ///
    /// - Parameters:
    ///   - path: The socket's path.
    ///   - timeout: The limit per operation.
    /// - Throws: ``WachterError/Code/agentUnavailable``.
    init(path: String, timeout: Duration) throws(WachterError) {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            throw WachterError(.agentUnavailable, "the socket path \(path) is too long")
        }
        unsafe withUnsafeMutableBytes(of: &address.sun_path) { raw in
            unsafe raw.copyBytes(from: bytes)
            unsafe raw[bytes.count] = 0
        }
        let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw Self.failure("cannot make a socket", errno) }
        let seconds = timeout.components.seconds
        var limit = timeval(tv_sec: Int(seconds), tv_usec: Int(timeout.components.attoseconds / 1_000_000_000_000))
        let size = socklen_t(MemoryLayout<timeval>.size)
        let connected = unsafe withUnsafePointer(to: &address) { pointer in
            unsafe pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                unsafe connect(descriptor, socketAddress, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        let code = errno
        guard connected == 0,
            unsafe setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &limit, size) == 0,
            unsafe setsockopt(descriptor, SOL_SOCKET, SO_SNDTIMEO, &limit, size) == 0
        else {
            close(descriptor)
            throw Self.failure("cannot reach the agent at \(path)", code)
        }
        self.descriptor = descriptor
    }

    deinit { close(descriptor) }

    /// Sends all bytes.
    ///
    /// - Parameter bytes: The bytes.
    /// - Throws: ``WachterError/Code/agentUnavailable`` on an error or a timeout.
    func send(_ bytes: [UInt8]) throws(WachterError) {
        var offset = 0
        while offset < bytes.count {
            let sent = unsafe bytes.withUnsafeBytes { raw in
                unsafe Glibc.send(descriptor, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
            }
            if sent < 0 {
                if errno == EINTR { continue }
                throw Self.failure("cannot send to the agent", errno)
            }
            offset += sent
        }
    }

    /// Receives what is there, waiting up to the timeout.
    ///
    /// - Parameter maximum: The most bytes to take.
    /// - Returns: The bytes; empty when the agent closed the connection.
    /// - Throws: ``WachterError/Code/agentUnavailable`` on an error or a timeout.
    func receive(maximum: Int = 16_384) throws(WachterError) -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: maximum)
        while true {
            let count = unsafe buffer.withUnsafeMutableBytes { raw in unsafe recv(descriptor, raw.baseAddress!, raw.count, 0) }
            if count < 0 {
                if errno == EINTR { continue }
                throw Self.failure("no answer from the agent", errno)
            }
            return Array(buffer.prefix(count))
        }
    }

    private static func failure(_ message: String, _ code: Int32) -> WachterError {
        WachterError(.agentUnavailable, message, cause: unsafe String(cString: strerror(code)))
    }
}
