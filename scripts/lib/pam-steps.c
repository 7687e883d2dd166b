/*
 * pam-steps: runs PAM steps on one handle, in order, where pamtester cannot: between
 * two steps it can change PAM_USER. Built and run by scripts/integration/pam under
 * pam_wrapper.
 *
 * usage: pam-steps SERVICE USER STEP...
 *   STEP: authenticate | acct_mgmt | chauthtok | user=NAME
 * Each step prints "STEP: " and pam_strerror(3) of its result; a conversation
 * message is printed as "message: TEXT". Every prompt is answered with the next line
 * of standard input, so no password is on the command line. Exit status: 0.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <security/pam_appl.h>

static int converse(int count, const struct pam_message **messages, struct pam_response **responses, void *data)
{
    (void)data;
    struct pam_response *answers = calloc((size_t)count, sizeof *answers);
    if (answers == NULL)
        return PAM_BUF_ERR;
    for (int i = 0; i < count; i++) {
        const struct pam_message *message = messages[i];
        if (message->msg_style == PAM_PROMPT_ECHO_OFF || message->msg_style == PAM_PROMPT_ECHO_ON) {
            char *line = NULL;
            size_t size = 0;
            ssize_t length = getline(&line, &size, stdin);
            if (length < 0) {
                free(line);
                line = strdup("");
            } else if (length > 0 && line[length - 1] == '\n') {
                line[length - 1] = '\0';
            }
            answers[i].resp = line;
        } else {
            printf("message: %s\n", message->msg ? message->msg : "");
        }
    }
    *responses = answers;
    return PAM_SUCCESS;
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: pam-steps SERVICE USER STEP...\n");
        return 64;
    }
    const struct pam_conv conversation = { converse, NULL };
    pam_handle_t *pamh = NULL;
    int result = pam_start(argv[1], argv[2], &conversation, &pamh);
    if (result != PAM_SUCCESS) {
        fprintf(stderr, "pam_start: %s\n", pam_strerror(pamh, result));
        return 1;
    }
    for (int i = 3; i < argc; i++) {
        const char *step = argv[i];
        if (strncmp(step, "user=", 5) == 0)
            result = pam_set_item(pamh, PAM_USER, step + 5);
        else if (strcmp(step, "authenticate") == 0)
            result = pam_authenticate(pamh, 0);
        else if (strcmp(step, "acct_mgmt") == 0)
            result = pam_acct_mgmt(pamh, 0);
        else if (strcmp(step, "chauthtok") == 0)
            result = pam_chauthtok(pamh, 0);
        else {
            fprintf(stderr, "pam-steps: unknown step %s\n", step);
            pam_end(pamh, PAM_SUCCESS);
            return 64;
        }
        printf("%s: %s\n", step, pam_strerror(pamh, result));
        fflush(stdout);
    }
    pam_end(pamh, result);
    return 0;
}
