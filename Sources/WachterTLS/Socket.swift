internal import Glibc

/// The only file of WachterTLS that calls the C library's networking functions
/// (getaddrinfo(3), socket(2), connect(2), poll(2), recv(2), send(2), close(2)). Everything it
/// returns is a Swift value; `errno` is read right after the call that set it.
///
/// Every socket is non-blocking, and every wait is a poll(2) bounded by a deadline,
/// so a silent server costs its check the timeout and nothing more.
final class Socket {
    /// Why a TCP connection could not be made.
    enum ConnectFailure: Error {
        /// getaddrinfo(3) found no address; the text is gai_strerror(3)'s.
        case unresolved(String)
        /// Every address refused the connection (ECONNREFUSED): nothing listens.
        case refused
        /// The deadline passed before any address accepted.
        case timeout
        /// Some other error, such as a network that cannot be reached; the text is strerror(3)'s.
        case failed(String)
    }

    /// What to wait for in `wait(for:until:)`.
    enum Readiness {
        case readable
        case writable
    }

    /// The file descriptor, owned by this object and closed in `deinit`.
    let descriptor: Int32

    private init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    deinit {
        _ = close(descriptor)
    }

    /// Connects to `host` on `port`, trying each address getaddrinfo(3) gives in turn.
    ///
    /// - Parameters:
    ///   - host: A host name or a numeric IPv4 or IPv6 address.
    ///   - port: The TCP port.
    ///   - deadline: When to give up.
    /// - Returns: A connected, non-blocking socket.
    /// - Throws: `ConnectFailure`.
    static func connect(host: String, port: UInt16, deadline: ContinuousClock.Instant) throws(ConnectFailure) -> Socket {
        var hints = unsafe addrinfo()
        unsafe hints.ai_family = AF_UNSPEC
        unsafe hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        unsafe hints.ai_protocol = Int32(IPPROTO_TCP)
        unsafe hints.ai_flags = AI_ADDRCONFIG
        var list: UnsafeMutablePointer<addrinfo>? = nil
        // getaddrinfo(3) itself has no timeout; resolv.conf(5)'s `timeout` and
        // `attempts` bound it. Names given with --connect are usually numeric.
        let status = unsafe getaddrinfo(host, String(port), &hints, &list)
        guard status == 0, let first = unsafe list else {
            let text = unsafe String(cString: gai_strerror(status))
            throw .unresolved(text)
        }
        defer { unsafe freeaddrinfo(first) }

        var lastFailure = ConnectFailure.refused
        var sawRefusal = false
        var entry: UnsafeMutablePointer<addrinfo>? = unsafe first
        while let current = unsafe entry {
            unsafe entry = unsafe current.pointee.ai_next
            if ContinuousClock.now >= deadline { throw .timeout }
            let fd = unsafe socket(
                current.pointee.ai_family,
                current.pointee.ai_socktype | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue),
                current.pointee.ai_protocol)
            if fd < 0 {
                lastFailure = .failed(Self.errorText(errno))
                continue
            }
            let candidate = Socket(descriptor: fd)
            let result = unsafe Glibc.connect(fd, current.pointee.ai_addr, current.pointee.ai_addrlen)
            let connectErrno = errno
            if result == 0 { return candidate }
            guard connectErrno == EINPROGRESS else {
                if connectErrno == ECONNREFUSED { sawRefusal = true } else { lastFailure = .failed(Self.errorText(connectErrno)) }
                continue
            }
            // connect(2), EINPROGRESS: wait until writable, then read SO_ERROR.
            guard candidate.wait(for: .writable, until: deadline) else {
                throw .timeout
            }
            let pending = candidate.pendingError()
            if pending == 0 { return candidate }
            if pending == ECONNREFUSED { sawRefusal = true } else { lastFailure = .failed(Self.errorText(pending)) }
        }
        if sawRefusal { throw .refused }
        throw lastFailure
    }

    /// Waits with poll(2) until the socket is ready or the deadline passes.
    ///
    /// - Returns: True when ready (or when poll reports an error or hang-up, which the
    ///   next read or write then reports); false when the deadline passed.
    func wait(for readiness: Readiness, until deadline: ContinuousClock.Instant) -> Bool {
        var entry = pollfd(fd: descriptor, events: Int16(readiness == .readable ? POLLIN : POLLOUT), revents: 0)
        while true {
            let remaining = ContinuousClock.now.duration(to: deadline)
            if remaining <= .zero { return false }
            let (seconds, attoseconds) = remaining.components
            let milliseconds = max(1, min(Int64(Int32.max), seconds * 1000 + attoseconds / 1_000_000_000_000_000 + 1))
            let count = unsafe poll(&entry, 1, Int32(milliseconds))
            if count > 0 { return true }
            if count < 0 && errno != EINTR { return true }
        }
    }

    /// What `receive(upTo:until:)` got.
    enum Received {
        /// Some bytes (never empty).
        case bytes([UInt8])
        /// The peer closed the connection.
        case closed
        /// The deadline passed before anything arrived.
        case timeout
        /// recv(2) failed; the text is strerror(3)'s.
        case failed(String)
    }

    /// Reads what has arrived, at most `count` bytes, waiting with poll(2) until
    /// something arrives or the deadline passes (recv(2)).
    func receive(upTo count: Int, until deadline: ContinuousClock.Instant) -> Received {
        var buffer = [UInt8](repeating: 0, count: count)
        while true {
            guard wait(for: .readable, until: deadline) else { return .timeout }
            let result = unsafe buffer.withUnsafeMutableBytes { bytes in
                unsafe recv(descriptor, bytes.baseAddress, bytes.count, 0)
            }
            let code = errno
            if result > 0 { return .bytes(Array(buffer.prefix(result))) }
            if result == 0 { return .closed }
            if code == EAGAIN || code == EWOULDBLOCK || code == EINTR { continue }
            return .failed(Self.errorText(code))
        }
    }

    /// Sends every byte, waiting with poll(2) while the socket buffer is full (send(2),
    /// with MSG_NOSIGNAL so that a closed peer is an error, not a SIGPIPE).
    ///
    /// - Returns: nil when everything was sent; otherwise why not.
    func send(_ bytes: [UInt8], until deadline: ContinuousClock.Instant) -> String? {
        var offset = 0
        while offset < bytes.count {
            guard wait(for: .writable, until: deadline) else { return "timed out while sending" }
            let result = unsafe bytes.withUnsafeBytes { buffer in
                unsafe Glibc.send(descriptor, buffer.baseAddress! + offset, buffer.count - offset, Int32(MSG_NOSIGNAL))
            }
            let code = errno
            if result > 0 {
                offset += result
            } else if !(code == EAGAIN || code == EWOULDBLOCK || code == EINTR) {
                return Self.errorText(code)
            }
        }
        return nil
    }

    /// getsockopt(2) SO_ERROR: the outcome of a non-blocking connect.
    private func pendingError() -> Int32 {
        var value: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        guard unsafe getsockopt(descriptor, SOL_SOCKET, SO_ERROR, &value, &length) == 0 else { return errno }
        return value
    }

    /// strerror(3) of an errno value.
    static func errorText(_ code: Int32) -> String {
        unsafe String(cString: strerror(code))
    }
}
