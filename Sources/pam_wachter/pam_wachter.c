/*
 * pam_wachter.so: PAM entry points that ask the Wachter agent and map its answer
 * to a PAM result. No policy lives here (docs/PAM.md): the agent decides, the
 * module only translates, and denies whenever it gets no clear answer.
 *
 * Module arguments: socket=PATH (default /run/wachter/agent.sock),
 * timeout=MS (default 3000, 1..60000), source=rhost|socket (default rhost: the
 * client's address is PAM_RHOST; socket: the peer of the process's one connected
 * TCP socket, for servers whose PAM_RHOST is not the client, such as pure-ftpd).
 *
 * The agent's answer to authenticate already says what account status would
 * (locked, must change, in good standing), so pam_sm_authenticate keeps it in the
 * handle (pam_set_data(3)) and pam_sm_acct_mgmt takes it once, for the same user,
 * instead of asking again; without one (sshd with a key, a changed PAM_USER, a
 * second acct_mgmt) it asks.
 */
#define _GNU_SOURCE
#include "pam_wachter.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <syslog.h>

#include <security/pam_appl.h>
#include <security/pam_ext.h>
#include <security/pam_modules.h>

#define EXPORT __attribute__((visibility("default")))
#define DEFAULT_SOCKET "/run/wachter/agent.sock"
#define DEFAULT_TIMEOUT_MS 3000

struct options {
    const char *socket;
    int timeout_ms;
    int source_from_socket;
};

static int parse_options(pam_handle_t *pamh, int argc, const char **argv, struct options *options)
{
    options->socket = DEFAULT_SOCKET;
    options->timeout_ms = DEFAULT_TIMEOUT_MS;
    options->source_from_socket = 0;
    for (int i = 0; i < argc; i++) {
        if (strncmp(argv[i], "socket=", 7) == 0 && argv[i][7] == '/') {
            options->socket = argv[i] + 7;
        } else if (strcmp(argv[i], "source=rhost") == 0 || strcmp(argv[i], "source=socket") == 0) {
            options->source_from_socket = argv[i][7] == 's';
        } else if (strncmp(argv[i], "timeout=", 8) == 0) {
            char *end = NULL;
            long value = strtol(argv[i] + 8, &end, 10);
            if (end == argv[i] + 8 || *end != '\0' || value < 1 || value > 60000)
                goto bad;
            options->timeout_ms = (int)value;
        } else {
            goto bad;
        }
        continue;
bad:
        pam_syslog(pamh, LOG_ERR, "bad module argument: %s", argv[i]);
        return 0;
    }
    return 1;
}

/* Writes the peer address of the process's one connected TCP socket into `address`;
   0 when there is none or more than one. pure-ftpd passes gethostname(3) as PAM_RHOST
   (its log_pam.c), but the client's control connection is the only connected TCP
   socket of its per-client process while it authenticates. Only reads: the sockets are
   not touched. */
static int peer_of_socket(char *address, size_t size)
{
    DIR *directory = opendir("/proc/self/fd");
    if (directory == NULL)
        return 0;
    int found = 0;
    struct dirent *entry;
    while ((entry = readdir(directory)) != NULL) {
        char *end = NULL;
        long fd = strtol(entry->d_name, &end, 10);
        if (end == entry->d_name || *end != '\0' || fd == dirfd(directory))
            continue;
        int type = 0;
        socklen_t type_size = sizeof type;
        struct sockaddr_storage peer;
        socklen_t peer_size = sizeof peer;
        if (getsockopt((int)fd, SOL_SOCKET, SO_TYPE, &type, &type_size) != 0 || type != SOCK_STREAM
            || getpeername((int)fd, (struct sockaddr *)&peer, &peer_size) != 0)
            continue;
        char text[INET6_ADDRSTRLEN];
        if (peer.ss_family == AF_INET) {
            if (inet_ntop(AF_INET, &((struct sockaddr_in *)&peer)->sin_addr, text, sizeof text) == NULL)
                continue;
        } else if (peer.ss_family == AF_INET6) {
            const struct in6_addr *in6 = &((struct sockaddr_in6 *)&peer)->sin6_addr;
            /* An IPv4 client on an IPv6 socket is written as IPv4, as the other servers do. */
            if (IN6_IS_ADDR_V4MAPPED(in6) ? inet_ntop(AF_INET, &in6->s6_addr[12], text, sizeof text) == NULL
                                          : inet_ntop(AF_INET6, in6, text, sizeof text) == NULL)
                continue;
        } else {
            continue;
        }
        if (found++ == 0 && strlen(text) < size)
            strcpy(address, text);
    }
    closedir(directory);
    return found == 1;
}

/* Asks the agent with the service, user and source fields first. */
static int ask(pam_handle_t *pamh, const struct options *options, enum wachter_kind kind, const char *user,
               const char *secret1, const char *secret2, char *reason, size_t reason_size)
{
    const void *service = NULL;
    const void *rhost = NULL;
    if (pam_get_item(pamh, PAM_SERVICE, &service) != PAM_SUCCESS || service == NULL)
        service = "unknown";
    if (pam_get_item(pamh, PAM_RHOST, &rhost) != PAM_SUCCESS)
        rhost = NULL;
    char peer[INET6_ADDRSTRLEN];
    if (options->source_from_socket) {
        if (peer_of_socket(peer, sizeof peer))
            rhost = peer;
        else
            pam_syslog(pamh, LOG_WARNING, "source=socket: no single connected TCP socket; the source is PAM_RHOST");
    }
    const char *fields[5] = { service, user, rhost ? rhost : "", secret1, secret2 };
    size_t count = kind == WACHTER_AUTHENTICATE ? 4 : kind == WACHTER_CHANGE_PASSWORD ? 5 : 3;
    int code = wachter_ask(options->socket, options->timeout_ms, kind, fields, count, reason, reason_size);
    if (code == WACHTER_UNREACHABLE)
        pam_syslog(pamh, LOG_ERR, "no usable answer from the agent at %s; denying", options->socket);
    else if (code == WACHTER_ERROR)
        pam_syslog(pamh, LOG_ERR, "the agent answered an error: %s", reason);
    return code;
}

static int get_user(pam_handle_t *pamh, const char **user)
{
    return pam_get_user(pamh, user, NULL) == PAM_SUCCESS && *user != NULL && **user != '\0';
}

/* The authenticate answer kept for pam_sm_acct_mgmt: the code and the user it was for. */
#define ANSWER_DATA "pam_wachter.answer"

struct kept_answer {
    int code;
    char user[];
};

static void free_answer(pam_handle_t *pamh, void *data, int error_status)
{
    (void)pamh;
    (void)error_status;
    free(data);
}

/* Keeps `code` for `user`, or, with code WACHTER_UNREACHABLE, drops what was kept.
   Without memory nothing is kept, and acct_mgmt asks the agent. */
static void keep_answer(pam_handle_t *pamh, const char *user, int code)
{
    struct kept_answer *kept = NULL;
    if (code != WACHTER_UNREACHABLE) {
        size_t length = strlen(user);
        kept = malloc(sizeof *kept + length + 1);
        if (kept != NULL) {
            kept->code = code;
            memcpy(kept->user, user, length + 1);
        }
    }
    /* Replacing the data frees the old answer through free_answer. */
    if (pam_set_data(pamh, ANSWER_DATA, kept, kept ? free_answer : NULL) != PAM_SUCCESS)
        free(kept);
}

/* Takes the kept answer for `user` (once), or returns WACHTER_UNREACHABLE when there is none. */
static int take_answer(pam_handle_t *pamh, const char *user)
{
    const void *data = NULL;
    if (pam_get_data(pamh, ANSWER_DATA, &data) != PAM_SUCCESS || data == NULL)
        return WACHTER_UNREACHABLE;
    const struct kept_answer *kept = data;
    int code = strcmp(kept->user, user) == 0 ? kept->code : WACHTER_UNREACHABLE;
    keep_answer(pamh, user, WACHTER_UNREACHABLE);
    return code;
}

EXPORT int pam_sm_authenticate(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
    (void)flags;
    struct options options;
    const char *user = NULL;
    const char *password = NULL;
    char reason[256];
    if (!parse_options(pamh, argc, argv, &options))
        return PAM_SERVICE_ERR;
    if (!get_user(pamh, &user))
        return PAM_USER_UNKNOWN;
    keep_answer(pamh, user, WACHTER_UNREACHABLE);
    if (pam_get_authtok(pamh, PAM_AUTHTOK, &password, NULL) != PAM_SUCCESS || password == NULL)
        return PAM_AUTH_ERR;
    int code = ask(pamh, &options, WACHTER_AUTHENTICATE, user, password, NULL, reason, sizeof reason);
    /* Only a matched password says the account's standing: success or expired. */
    if (code == WACHTER_SUCCESS || code == WACHTER_EXPIRED)
        keep_answer(pamh, user, code);
    switch (code) {
    case WACHTER_SUCCESS:
    case WACHTER_EXPIRED: /* the password matched; pam_sm_acct_mgmt demands the change */
        return PAM_SUCCESS;
    case WACHTER_FAILURE:
        return PAM_AUTH_ERR;
    case WACHTER_LOCKED:
        return PAM_MAXTRIES;
    case WACHTER_UNKNOWN_USER:
        return PAM_USER_UNKNOWN;
    case WACHTER_DENIED:
        return PAM_AUTH_ERR;
    default:
        return PAM_AUTHINFO_UNAVAIL;
    }
}

EXPORT int pam_sm_setcred(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
    (void)pamh;
    (void)flags;
    (void)argc;
    (void)argv;
    return PAM_SUCCESS;
}

EXPORT int pam_sm_acct_mgmt(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
    (void)flags;
    struct options options;
    const char *user = NULL;
    char reason[256];
    if (!parse_options(pamh, argc, argv, &options))
        return PAM_SERVICE_ERR;
    if (!get_user(pamh, &user))
        return PAM_USER_UNKNOWN;
    int code = take_answer(pamh, user);
    if (code == WACHTER_UNREACHABLE)
        code = ask(pamh, &options, WACHTER_STATUS, user, NULL, NULL, reason, sizeof reason);
    switch (code) {
    case WACHTER_SUCCESS:
        return PAM_SUCCESS;
    case WACHTER_EXPIRED:
        pam_info(pamh, "You are required to change your password immediately.");
        return PAM_NEW_AUTHTOK_REQD;
    case WACHTER_UNKNOWN_USER:
        return PAM_USER_UNKNOWN;
    default:
        return PAM_PERM_DENIED;
    }
}

EXPORT int pam_sm_chauthtok(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
    struct options options;
    const char *user = NULL;
    const char *old = NULL;
    const char *new = NULL;
    char reason[1100];
    if (!parse_options(pamh, argc, argv, &options))
        return PAM_SERVICE_ERR;
    if (!get_user(pamh, &user))
        return PAM_USER_UNKNOWN;
    /* After a change the kept "expired" no longer holds: acct_mgmt asks again. */
    keep_answer(pamh, user, WACHTER_UNREACHABLE);
    if (flags & PAM_PRELIM_CHECK) {
        /* Ask for the current password now; it is checked with the change. */
        if (pam_get_authtok(pamh, PAM_OLDAUTHTOK, &old, NULL) != PAM_SUCCESS || old == NULL)
            return PAM_AUTHTOK_ERR;
        return PAM_SUCCESS;
    }
    if (!(flags & PAM_UPDATE_AUTHTOK))
        return PAM_SERVICE_ERR;
    const void *item = NULL;
    if (pam_get_item(pamh, PAM_OLDAUTHTOK, &item) != PAM_SUCCESS || item == NULL)
        return PAM_AUTHTOK_ERR;
    old = item;
    if (pam_get_authtok(pamh, PAM_AUTHTOK, &new, NULL) != PAM_SUCCESS || new == NULL)
        return PAM_AUTHTOK_ERR;
    switch (ask(pamh, &options, WACHTER_CHANGE_PASSWORD, user, old, new, reason, sizeof reason)) {
    case WACHTER_SUCCESS:
        return PAM_SUCCESS;
    case WACHTER_POLICY_REFUSED:
        pam_error(pamh, "%s", reason);
        return PAM_AUTHTOK_ERR;
    case WACHTER_FAILURE:
        pam_error(pamh, "The current password is wrong.");
        return PAM_AUTHTOK_RECOVERY_ERR;
    case WACHTER_UNKNOWN_USER:
        return PAM_USER_UNKNOWN;
    case WACHTER_LOCKED:
        pam_error(pamh, "%s", reason);
        return PAM_PERM_DENIED;
    default:
        return PAM_AUTHTOK_ERR;
    }
}

static int session(pam_handle_t *pamh, int argc, const char **argv, enum wachter_kind kind)
{
    struct options options;
    const char *user = NULL;
    char reason[256];
    if (!parse_options(pamh, argc, argv, &options))
        return PAM_SERVICE_ERR;
    if (!get_user(pamh, &user))
        return PAM_SESSION_ERR;
    return ask(pamh, &options, kind, user, NULL, NULL, reason, sizeof reason) == WACHTER_SUCCESS ? PAM_SUCCESS
                                                                                                  : PAM_SESSION_ERR;
}

EXPORT int pam_sm_open_session(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
    (void)flags;
    return session(pamh, argc, argv, WACHTER_SESSION_OPEN);
}

EXPORT int pam_sm_close_session(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
    (void)flags;
    return session(pamh, argc, argv, WACHTER_SESSION_CLOSE);
}
