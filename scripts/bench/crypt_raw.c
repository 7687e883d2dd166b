/* Raw libxcrypt: N hashes, each with a fresh setting from crypt_gensalt_rn, as
   Wachter makes them; prints the seconds taken. Used by scripts/bench/hash. */
#include <crypt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int main(int argc, char **argv) {
    if (argc < 4) { fprintf(stderr, "usage: crypt_raw PREFIX COST COUNT < password\n"); return 2; }
    unsigned long cost = strtoul(argv[2], NULL, 10);
    long count = strtol(argv[3], NULL, 10);
    char phrase[4096];
    if (!fgets(phrase, sizeof phrase, stdin)) return 2;
    phrase[strcspn(phrase, "\n")] = 0;
    static struct crypt_data data;
    char setting[CRYPT_GENSALT_OUTPUT_SIZE];
    struct timespec start, end;
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (long i = 0; i < count; i++) {
        if (!crypt_gensalt_rn(argv[1], cost, NULL, 0, setting, sizeof setting)) return 1;
        memset(&data, 0, sizeof data);
        if (!crypt_rn(phrase, setting, &data, sizeof data)) return 1;
    }
    clock_gettime(CLOCK_MONOTONIC, &end);
    printf("%.6f\n", (end.tv_sec - start.tv_sec) + (end.tv_nsec - start.tv_nsec) / 1e9);
    return 0;
}
