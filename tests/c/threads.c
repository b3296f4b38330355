/*
 * One client shared by 8 threads, through the C ABI: every call must succeed and every answer
 * that echoes out_contract_code must echo the value its own request carried. Driven by
 * tests/it/concurrency.rs natively and under valgrind's helgrind.
 *
 * Usage: threads CONFIG.json CALLS_PER_THREAD
 * Prints "threads: N of M calls succeeded, E of F echoes matched"; exits 0 when all did.
 */
#define _POSIX_C_SOURCE 200809L

#include "wxpresign.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define THREADS 8

struct worker {
    const wxpresign_client *client;
    int index;
    int calls;
    int ok_calls;
    int echoes;
    int matched_echoes;
};

/* The password-free service-provider mini-program request, which the answer echoes. */
static void mini_program_request(char *buf, size_t size, const char *code) {
    snprintf(buf, size,
             "{\"sp_appid\":\"wxd678efh567hg6787\",\"sub_mchid\":\"1900000109\","
             "\"sub_appid\":\"wxd678efh567hg6787\",\"sub_openid\":\"oUpF8uMuAJO_M2pxb1Q9zNjWeS6o\","
             "\"service_id\":12535,\"out_contract_code\":\"%s\","
             "\"notify_url\":\"https://yourapp.com/notify\","
             "\"contract_display_account\":\"\xe5\xbe\xae\xe4\xbf\xa1\"}",
             code);
}

/* The insurance JSAPI request: its identity is encrypted on every call. */
static void insurance_request(char *buf, size_t size, const char *code) {
    snprintf(buf, size,
             "{\"appid\":\"wxd678efh567hg6787\",\"openid\":\"oYobu0MVnQfWpSMOYJz2AHPG_gQw\","
             "\"plan_id\":12535,\"out_contract_code\":\"%s\",\"insured_display_name\":\"*M\","
             "\"contract_notify_url\":\"https://yourapp.com/notify\","
             "\"policy_start_date\":\"2026-12-01\",\"policy_end_date\":\"2027-11-30\","
             "\"policy_periods\":[{\"policy_period_id\":1,\"estimated_deduct_date\":\"2026-12-01\","
             "\"estimated_deduct_amount\":{\"total\":2990,\"currency\":\"CNY\"}}],"
             "\"real_identity\":{\"real_name\":\"Zhang San\",\"id_card_number\":\"110101199003074477\","
             "\"identity_type\":\"ID_CARD\"}}",
             code);
}

static void edu_request(char *buf, size_t size, const char *user_id) {
    snprintf(buf, size,
             "{\"appid\":\"wx8888888888888888\",\"openid\":\"oUpF8uMuAJOM2pxb1Q\","
             "\"plan_id\":\"101164396123311331\",\"user_id\":\"%s\","
             "\"period_start_date\":\"2026-12-19\",\"trade_scene\":\"EDUCATION_PERIOD\"}",
             user_id);
}

static void *worker_main(void *arg) {
    struct worker *w = arg;
    for (int i = 0; i < w->calls; i++) {
        char unique[64], request[1024], echo[96];
        snprintf(unique, sizeof unique, "t%dc%05d", w->index, i);
        char *out = NULL;
        wxpresign_status s;
        int echoed = 0;
        switch (i % 3) {
        case 0:
            edu_request(request, sizeof request, unique);
            s = wxpresign_edu_papay(w->client, request, &out);
            break;
        case 1:
            mini_program_request(request, sizeof request, unique);
            s = wxpresign_password_exempt_contract_service_provider_mini_program(w->client, request,
                                                                                  &out);
            echoed = 1;
            break;
        default:
            insurance_request(request, sizeof request, unique);
            s = wxpresign_papay_insurance_sign_jsapi(w->client, request, &out);
            break;
        }
        if (s == WXPRESIGN_OK && out != NULL && strstr(out, "\"status\":200") != NULL) {
            w->ok_calls++;
            if (echoed) {
                w->echoes++;
                snprintf(echo, sizeof echo, "\"out_contract_code\":\"%s\"", unique);
                if (strstr(out, echo) != NULL) {
                    w->matched_echoes++;
                } else {
                    fprintf(stderr, "thread %d call %d: answer for another request: %s\n",
                            w->index, i, out);
                }
            }
        } else {
            fprintf(stderr, "thread %d call %d: status %d %s\n", w->index, i, (int)s,
                    out ? out : "(NULL)");
        }
        wxpresign_string_free(out);
    }
    return NULL;
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

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: %s CONFIG.json CALLS_PER_THREAD\n", argv[0]);
        return 2;
    }
    char *config = read_file(argv[1]);
    int calls = atoi(argv[2]);
    if (config == NULL || calls <= 0) {
        fprintf(stderr, "cannot read %s, or bad call count\n", argv[1]);
        return 2;
    }
    wxpresign_client *client = NULL;
    char *error = NULL;
    wxpresign_status status = wxpresign_client_new(config, &client, &error);
    free(config);
    if (status != WXPRESIGN_OK) {
        fprintf(stderr, "wxpresign_client_new: %d %s\n", (int)status, error);
        wxpresign_string_free(error);
        return 1;
    }

    /*
     * One call of each kind, on a thread of its own, joined before the workers start. aws-lc
     * initialises its global state (method tables, the entropy tree, fork detection) lazily
     * under pthread_once, whose ordering helgrind does not model: each first use in another
     * thread would be reported as a race. Done here, that initialisation is ordered before the
     * workers by pthread_join and pthread_create, which helgrind does see. (Not on the main
     * thread: aws-lc's exit handler wipes the random state of every thread still alive and
     * leaves its lock held on purpose, which helgrind would report.) The workers then exercise
     * what this test is about: concurrent calls on one shared client.
     */
    struct worker warmup = {.client = client, .index = THREADS, .calls = 3};
    pthread_t warmup_thread;
    if (pthread_create(&warmup_thread, NULL, worker_main, &warmup) != 0 ||
        pthread_join(warmup_thread, NULL) != 0 || warmup.ok_calls != 3) {
        fprintf(stderr, "the warm-up calls failed\n");
        wxpresign_client_free(client);
        return 1;
    }

    pthread_t threads[THREADS];
    struct worker workers[THREADS];
    int started[THREADS];
    for (int i = 0; i < THREADS; i++) {
        workers[i] = (struct worker){.client = client, .index = i, .calls = calls};
        started[i] = pthread_create(&threads[i], NULL, worker_main, &workers[i]) == 0;
    }
    int ok = 0, echoes = 0, matched = 0, all_started = 1;
    for (int i = 0; i < THREADS; i++) {
        if (started[i]) {
            pthread_join(threads[i], NULL);
        } else {
            all_started = 0;
        }
        ok += workers[i].ok_calls;
        echoes += workers[i].echoes;
        matched += workers[i].matched_echoes;
    }
    wxpresign_client_free(client);
    printf("threads: %d of %d calls succeeded, %d of %d echoes matched\n", ok, THREADS * calls,
           matched, echoes);
    return all_started && ok == THREADS * calls && matched == echoes ? 0 : 1;
}
