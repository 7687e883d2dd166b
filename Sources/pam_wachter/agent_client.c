/*
 * The protocol client: one request, one answer, fixed buffers, no allocation.
 * Everything that is not exactly a well-formed answer frame is "unreachable",
 * and the caller denies.
 */
#define _GNU_SOURCE
#include "pam_wachter.h"

#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Waits for `events` on fd until the deadline; 1 ready, 0 timed out or failed. */
static int wait_for(int fd, short events, long long deadline)
{
    for (;;) {
        long long left = deadline - now_ms();
        if (left <= 0)
            return 0;
        struct pollfd pfd = { .fd = fd, .events = events, .revents = 0 };
        int n = poll(&pfd, 1, (int)left);
        if (n > 0)
            return 1;
        if (n < 0 && errno != EINTR)
            return 0;
    }
}

static int send_all(int fd, const uint8_t *data, size_t size, long long deadline)
{
    while (size > 0) {
        if (!wait_for(fd, POLLOUT, deadline))
            return 0;
        /* MSG_NOSIGNAL: a closed agent must not raise SIGPIPE in the host process. */
        ssize_t n = send(fd, data, size, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n < 0) {
            if (errno == EINTR || errno == EAGAIN)
                continue;
            return 0;
        }
        data += n;
        size -= (size_t)n;
    }
    return 1;
}

static int recv_all(int fd, uint8_t *data, size_t size, long long deadline)
{
    while (size > 0) {
        if (!wait_for(fd, POLLIN, deadline))
            return 0;
        ssize_t n = recv(fd, data, size, MSG_DONTWAIT);
        if (n < 0) {
            if (errno == EINTR || errno == EAGAIN)
                continue;
            return 0;
        }
        if (n == 0)
            return 0;
        data += n;
        size -= (size_t)n;
    }
    return 1;
}

static int known_code(int code)
{
    return (code >= WACHTER_SUCCESS && code <= WACHTER_DENIED) || code == WACHTER_ERROR;
}

int wachter_ask(const char *socket_path, int timeout_ms, enum wachter_kind kind,
                const char *const fields[], size_t count, char *reason, size_t reason_size)
{
    static const size_t header = 5;
    uint8_t frame[5 + WACHTER_MAX_BODY];
    size_t body = 1;
    int result = WACHTER_UNREACHABLE;
    int fd = -1;

    if (reason_size > 0)
        reason[0] = '\0';
    for (size_t i = 0; i < count; i++) {
        size_t length = fields[i] ? strlen(fields[i]) : 0;
        if (length > WACHTER_MAX_FIELD)
            return WACHTER_UNREACHABLE;
        body += 2 + length;
    }
    if (body > WACHTER_MAX_BODY)
        return WACHTER_UNREACHABLE;

    frame[0] = WACHTER_PROTOCOL_VERSION;
    frame[1] = (uint8_t)(body >> 24);
    frame[2] = (uint8_t)(body >> 16);
    frame[3] = (uint8_t)(body >> 8);
    frame[4] = (uint8_t)body;
    frame[5] = (uint8_t)kind;
    size_t at = header + 1;
    for (size_t i = 0; i < count; i++) {
        size_t length = fields[i] ? strlen(fields[i]) : 0;
        frame[at++] = (uint8_t)(length >> 8);
        frame[at++] = (uint8_t)length;
        if (length > 0)
            memcpy(frame + at, fields[i], length);
        at += length;
    }

    struct sockaddr_un address;
    memset(&address, 0, sizeof address);
    address.sun_family = AF_UNIX;
    if (strlen(socket_path) >= sizeof address.sun_path)
        goto done;
    strcpy(address.sun_path, socket_path);

    long long deadline = now_ms() + (timeout_ms > 0 ? timeout_ms : 1);
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0)
        goto done;
    if (connect(fd, (const struct sockaddr *)&address, sizeof address) != 0) {
        if (errno != EINPROGRESS && errno != EAGAIN)
            goto done;
        int error = 0;
        socklen_t error_size = sizeof error;
        if (!wait_for(fd, POLLOUT, deadline) || getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &error_size) != 0 || error != 0)
            goto done;
    }
    /* The agent answers a peer it denies at once and closes, so a send that fails may
     * still have an answer to read; a failed send with nothing to read ends below. */
    (void)send_all(fd, frame, at, deadline);
    /* The request held the password: wipe it before the answer reuses the buffer. */
    explicit_bzero(frame, sizeof frame);

    if (!recv_all(fd, frame, header, deadline) || frame[0] != WACHTER_PROTOCOL_VERSION)
        goto done;
    size_t length = ((size_t)frame[1] << 24) | ((size_t)frame[2] << 16) | ((size_t)frame[3] << 8) | frame[4];
    if (length < 3 || length > WACHTER_MAX_BODY || !recv_all(fd, frame, length, deadline))
        goto done;
    size_t reason_length = ((size_t)frame[1] << 8) | frame[2];
    if (3 + reason_length != length || !known_code(frame[0]))
        goto done;
    if (memchr(frame + 3, '\0', reason_length) != NULL)
        goto done;
    if (reason_size > 0) {
        size_t copy = reason_length < reason_size - 1 ? reason_length : reason_size - 1;
        memcpy(reason, frame + 3, copy);
        reason[copy] = '\0';
    }
    result = frame[0];

done:
    explicit_bzero(frame, sizeof frame);
    if (fd >= 0)
        close(fd);
    return result;
}
