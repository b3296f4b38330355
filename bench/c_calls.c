/* Client CPU per pre-sign call through the C ABI, for bench/compare:
 *   c_calls CONFIG.json CALLS
 * Makes one unmeasured call (connections, lazy initialisation), then CALLS calls of the README's
 * education request on one client, one thread, and prints one JSON line: the calls and the user +
 * system CPU time (getrusage) and wall time they took. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>
#include <wxpresign.h>

static const char REQUEST[] =
    "{\"appid\":\"wx8888888888888888\",\"openid\":\"oUpF8uMuAJOM2pxb1Q\","
    "\"plan_id\":\"101164396123311331\",\"user_id\":\"20200330tony\","
    "\"period_start_date\":\"2026-12-19\",\"trade_scene\":\"EDUCATION_PERIOD\"}";

static double cpu_seconds(void) {
    struct rusage usage;
    getrusage(RUSAGE_SELF, &usage);
    return (double)(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
           (double)(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

static double wall_seconds(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)now.tv_sec + (double)now.tv_nsec / 1e9;
}

static char *read_file(const char *path) {
    FILE *f = fopen(path, "rb");
    if (f == NULL) return NULL;
    char *text = NULL;
    long size;
    if (fseek(f, 0, SEEK_END) == 0 && (size = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
        (text = malloc((size_t)size + 1)) != NULL) {
        size_t got = fread(text, 1, (size_t)size, f);
        text[got] = '\0';
    }
    fclose(f);
    return text;
}

static int call(const wxpresign_client *client) {
    char *answer = NULL;
    wxpresign_status status = wxpresign_edu_papay(client, REQUEST, &answer);
    if (status != WXPRESIGN_OK) fprintf(stderr, "status %d: %s\n", status, answer);
    wxpresign_string_free(answer);
    return status == WXPRESIGN_OK;
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: %s CONFIG.json CALLS\n", argv[0]);
        return 2;
    }
    long calls = strtol(argv[2], NULL, 10);
    char *config = read_file(argv[1]);
    if (config == NULL || calls < 1) {
        fprintf(stderr, "cannot read %s, or CALLS < 1\n", argv[1]);
        return 2;
    }
    wxpresign_client *client = NULL;
    char *error = NULL;
    if (wxpresign_client_new(config, &client, &error) != WXPRESIGN_OK) {
        fprintf(stderr, "%s\n", error);
        return 1;
    }
    free(config);
    if (!call(client)) return 1;
    double cpu = cpu_seconds(), wall = wall_seconds();
    for (long i = 0; i < calls; i++)
        if (!call(client)) return 1;
    cpu = cpu_seconds() - cpu;
    wall = wall_seconds() - wall;
    wxpresign_client_free(client);
    printf("{\"calls\":%ld,\"cpu_s\":%.6f,\"wall_s\":%.6f}\n", calls, cpu, wall);
    return 0;
}
