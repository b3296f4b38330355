/* Resident memory over many calls on one shared client, as a long-lived service makes them:
 *   memory CONFIG.json [CALLS [WARMUP [THREADS]]]      (defaults 10000, 500, 2; Linux: /proc)
 * Prints VmRSS after WARMUP calls and after CALLS, and the peak VmHWM, in kB. Every 100th call
 * also takes the error path (a request refused before sending) and builds and frees a client.
 * Two threads keep both the client and the sandbox busy on a 2-core machine.
 * sandbox/tests/c_package.rs runs it against the sandbox and fails if the RSS grows by 5 MB or
 * more. */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <wxpresign.h>

static const char REQUEST[] =
    "{\"appid\":\"wx8888888888888888\",\"openid\":\"oUpF8uMuAJOM2pxb1Q\","
    "\"plan_id\":\"101164396123311331\",\"user_id\":\"20200330tony\","
    "\"period_start_date\":\"2026-12-19\",\"trade_scene\":\"EDUCATION_PERIOD\"}";
static const char INVALID_REQUEST[] = /* February 30th */
    "{\"appid\":\"wx8888888888888888\",\"openid\":\"oUpF8uMuAJOM2pxb1Q\","
    "\"plan_id\":\"101164396123311331\",\"user_id\":\"20200330tony\","
    "\"period_start_date\":\"2026-02-30\",\"trade_scene\":\"EDUCATION_PERIOD\"}";

struct run {
    const wxpresign_client *client;
    const char *config;
    long calls, warmup;
    atomic_long started;
    atomic_int failed;
    long rss_after_warmup; /* written by the thread that makes call number `warmup` */
    struct timespec start;
};

/* A "Vm...:" figure of /proc/self/status in kB, or -1. */
static long proc_status_kb(const char *key) {
    FILE *f = fopen("/proc/self/status", "r");
    if (f == NULL) return -1;
    char line[256];
    long kb = -1;
    size_t len = strlen(key);
    while (fgets(line, sizeof line, f) != NULL)
        if (strncmp(line, key, len) == 0 && line[len] == ':') {
            kb = strtol(line + len + 1, NULL, 10);
            break;
        }
    fclose(f);
    return kb;
}

static double seconds_since(const struct timespec *start) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - start->tv_sec) + (double)(now.tv_nsec - start->tv_nsec) / 1e9;
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

static int call(const wxpresign_client *client, const char *request, wxpresign_status expected) {
    char *answer = NULL;
    wxpresign_status status = wxpresign_edu_papay(client, request, &answer);
    int ok = status == expected;
    if (!ok) fprintf(stderr, "expected status %d, got %d %s\n", expected, status, answer);
    wxpresign_string_free(answer);
    return ok;
}

static void *worker(void *arg) {
    struct run *run = arg;
    for (;;) {
        long i = atomic_fetch_add(&run->started, 1) + 1;
        if (i > run->calls || atomic_load(&run->failed)) return NULL;
        int ok = call(run->client, REQUEST, WXPRESIGN_OK);
        if (ok && i % 100 == 0) {
            ok = call(run->client, INVALID_REQUEST, WXPRESIGN_ERR_VALIDATION);
            wxpresign_client *another = NULL;
            ok = ok && wxpresign_client_new(run->config, &another, NULL) == WXPRESIGN_OK;
            wxpresign_client_free(another);
        }
        if (!ok) atomic_store(&run->failed, 1);
        if (i == run->warmup) {
            run->rss_after_warmup = proc_status_kb("VmRSS");
            printf("after %ld calls: VmRSS %ld kB (%.1f s)\n", i, run->rss_after_warmup,
                   seconds_since(&run->start));
            fflush(stdout);
        }
    }
}

int main(int argc, char **argv) {
    if (argc < 2 || argc > 5) {
        fprintf(stderr, "usage: %s CONFIG.json [CALLS [WARMUP [THREADS]]]\n", argv[0]);
        return 2;
    }
    struct run run = {.calls = 10000, .warmup = 500};
    long threads = 2;
    if (argc > 2) run.calls = strtol(argv[2], NULL, 10);
    if (argc > 3) run.warmup = strtol(argv[3], NULL, 10);
    if (argc > 4) threads = strtol(argv[4], NULL, 10);
    if (run.warmup < 1 || run.warmup >= run.calls || threads < 1 || threads > 64) {
        fprintf(stderr, "need 1 <= WARMUP < CALLS and 1 <= THREADS <= 64\n");
        return 2;
    }
    char *config = read_file(argv[1]);
    if (config == NULL) {
        perror(argv[1]);
        return 2;
    }
    wxpresign_client *client = NULL;
    char *error = NULL;
    if (wxpresign_client_new(config, &client, &error) != WXPRESIGN_OK) {
        fprintf(stderr, "%s\n", error);
        wxpresign_string_free(error);
        free(config);
        return 1;
    }
    run.client = client;
    run.config = config;

    clock_gettime(CLOCK_MONOTONIC, &run.start);
    pthread_t ids[64];
    long running = 0;
    while (running < threads && pthread_create(&ids[running], NULL, worker, &run) == 0) running++;
    if (running < threads) atomic_store(&run.failed, 1);
    for (long t = 0; t < running; t++) pthread_join(ids[t], NULL);
    long rss_end = proc_status_kb("VmRSS");
    double elapsed = seconds_since(&run.start);
    wxpresign_client_free(client);
    free(config);
    if (atomic_load(&run.failed)) return 1;

    printf("after %ld calls: VmRSS %ld kB (%.1f s, %ld threads, %.2f ms per call)\n", run.calls,
           rss_end, elapsed, threads, elapsed * 1000.0 / (double)run.calls);
    printf("peak: VmHWM %ld kB\n", proc_status_kb("VmHWM"));
    printf("growth after warm-up: %ld kB\n", rss_end - run.rss_after_warmup);
    return 0;
}
