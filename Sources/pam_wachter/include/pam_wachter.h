/*
 * pam_wachter: the PAM module that asks the Wachter agent (docs/PROTOCOL.md).
 *
 * The module exports only the pam_sm_* entry points of pam_modules.h; the
 * protocol client below is internal to the shared object.
 */
#ifndef PAM_WACHTER_H
#define PAM_WACHTER_H

#include <stddef.h>

/* The protocol's limits and codes, as docs/PROTOCOL.md defines them. */
#define WACHTER_PROTOCOL_VERSION 1
#define WACHTER_MAX_BODY 8192
#define WACHTER_MAX_FIELD 4096

enum wachter_kind {
    WACHTER_AUTHENTICATE = 0x01,
    WACHTER_STATUS = 0x02,
    WACHTER_CHANGE_PASSWORD = 0x03,
    WACHTER_SESSION_OPEN = 0x04,
    WACHTER_SESSION_CLOSE = 0x05
};

/* Answer codes; WACHTER_UNREACHABLE is the module's own: no usable answer. */
enum wachter_code {
    WACHTER_SUCCESS = 0x00,
    WACHTER_FAILURE = 0x01,
    WACHTER_EXPIRED = 0x02,
    WACHTER_LOCKED = 0x03,
    WACHTER_UNKNOWN_USER = 0x04,
    WACHTER_POLICY_REFUSED = 0x05,
    WACHTER_DENIED = 0x06,
    WACHTER_ERROR = 0x7F,
    WACHTER_UNREACHABLE = -1
};

/* Sends one request of `count` fields and reads its answer into `reason`
   (NUL-terminated, possibly cut to `reason_size`). Returns an answer code, or
   WACHTER_UNREACHABLE when the agent cannot be reached, times out, or answers
   anything but a well-formed frame with a known code. */
int wachter_ask(const char *socket_path, int timeout_ms, enum wachter_kind kind,
                const char *const fields[], size_t count, char *reason, size_t reason_size);

#endif
