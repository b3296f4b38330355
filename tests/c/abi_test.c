/*
 * A C program that exercises libwxpresign through its public header only, as a C user would.
 * Driven by tests/it/c_abi.rs, which starts a sandbox and writes the files this program reads.
 *
 * usage: abi_test CONFIG.json UNREACHABLE_CONFIG.json REQUEST_DIR
 *   CONFIG.json              a client configuration for the running sandbox
 *   UNREACHABLE_CONFIG.json  the same configuration with base_url http://127.0.0.1:1
 *   REQUEST_DIR              one example request per endpoint, REQUEST_DIR/<c function>.json
 * Environment: WXPRESIGN_SKIP_THREADS=1 skips the threaded section (used under valgrind).
 *
 * No JSON parser: answers are checked with strstr, which is enough because the library writes
 * compact JSON ("key":value, no spaces).
 */
#define _POSIX_C_SOURCE 200809L

#include "wxpresign.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------------------------------ */
/* A tiny check framework; the counters are shared with the threaded section. */

static pthread_mutex_t counters_lock = PTHREAD_MUTEX_INITIALIZER;
static int passed;
static int failed;

static int check_at(int ok, const char *expr, const char *msg, const char *file, int line) {
    pthread_mutex_lock(&counters_lock);
    if (ok) {
        passed++;
    } else {
        failed++;
        fprintf(stderr, "%s:%d: FAILED: %s (%s)\n", file, line, msg, expr);
    }
    pthread_mutex_unlock(&counters_lock);
    return ok;
}

#define CHECK(cond, msg) check_at((cond) != 0, #cond, (msg), __FILE__, __LINE__)

static const char *status_name(wxpresign_status s) {
    switch (s) {
    case WXPRESIGN_OK: return "WXPRESIGN_OK";
    case WXPRESIGN_ERR_ARGUMENT: return "WXPRESIGN_ERR_ARGUMENT";
    case WXPRESIGN_ERR_CONFIG: return "WXPRESIGN_ERR_CONFIG";
    case WXPRESIGN_ERR_VALIDATION: return "WXPRESIGN_ERR_VALIDATION";
    case WXPRESIGN_ERR_TRANSPORT: return "WXPRESIGN_ERR_TRANSPORT";
    case WXPRESIGN_ERR_API: return "WXPRESIGN_ERR_API";
    case WXPRESIGN_ERR_VERIFY: return "WXPRESIGN_ERR_VERIFY";
    case WXPRESIGN_ERR_CRYPTO: return "WXPRESIGN_ERR_CRYPTO";
    case WXPRESIGN_ERR_INTERNAL: return "WXPRESIGN_ERR_INTERNAL";
    }
    return "(unknown status)";
}

/*
 * Checks one call's status, that it wrote a string, and that the string contains every needle
 * (a NULL-terminated list). Prints the output on failure. Frees the output.
 */
static void expect_at(const char *what, wxpresign_status got, wxpresign_status want, char *out,
                      const char *const *needles, const char *file, int line) {
    char msg[512];
    int ok = 1;
    snprintf(msg, sizeof msg, "%s: status %s, expected %s", what, status_name(got),
             status_name(want));
    ok &= check_at(got == want, "status == expected", msg, file, line);
    snprintf(msg, sizeof msg, "%s: an output string is written", what);
    ok &= check_at(out != NULL, "out != NULL", msg, file, line);
    for (; out != NULL && *needles != NULL; needles++) {
        snprintf(msg, sizeof msg, "%s: output contains %s", what, *needles);
        ok &= check_at(strstr(out, *needles) != NULL, "strstr(out, needle)", msg, file, line);
    }
    if (!ok) {
        fprintf(stderr, "    output: %s\n", out ? out : "(NULL)");
    }
    wxpresign_string_free(out);
}

#define EXPECT(what, got, want, out, ...)                                                      \
    do {                                                                                       \
        const char *const needles_[] = {__VA_ARGS__, NULL};                                    \
        expect_at((what), (got), (want), (out), needles_, __FILE__, __LINE__);                 \
    } while (0)

/* ------------------------------------------------------------------------------------------ */
/* Inputs. */

/* Reads a whole file into a NUL-terminated heap buffer; NULL on failure. */
static char *read_file(const char *path) {
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        perror(path);
        return NULL;
    }
    size_t cap = 4096, len = 0;
    char *buf = malloc(cap);
    while (buf != NULL) {
        size_t n = fread(buf + len, 1, cap - len - 1, f);
        len += n;
        if (n == 0) {
            break;
        }
        if (len + 1 == cap) {
            char *bigger = realloc(buf, cap * 2);
            if (bigger == NULL) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = bigger;
            cap *= 2;
        }
    }
    if (buf != NULL) {
        buf[len] = '\0';
    }
    fclose(f);
    return buf;
}

typedef wxpresign_status (*endpoint_fn)(const wxpresign_client *, const char *, char **);

struct endpoint {
    const char *name;
    endpoint_fn fn;
    /* The member of a successful answer that matters to the caller. */
    const char *answer_field;
};

#define ENDPOINT(fn, field) {#fn, fn, "\"" field "\":"}

/* Every endpoint function, as the table lists them. */
static const struct endpoint ENDPOINTS[] = {
#include "endpoints.h"
};
#define ENDPOINT_COUNT (sizeof ENDPOINTS / sizeof ENDPOINTS[0])

static const char EDU_PATH[] = "v3/edu-papay/contracts/presign";

/* An education pre-sign request (the endpoint whose fault field is user_id). */
static void edu_request(char *buf, size_t size, const char *user_id, const char *start_date) {
    snprintf(buf, size,
             "{\"appid\":\"wx8888888888888888\",\"openid\":\"oUpF8uMuAJOM2pxb1Q\","
             "\"plan_id\":\"101164396123311331\",\"user_id\":\"%s\","
             "\"period_start_date\":\"%s\",\"trade_scene\":\"EDUCATION_PERIOD\"}",
             user_id, start_date);
}

/* ------------------------------------------------------------------------------------------ */
/* Sections. */

static void test_version(void) {
    const char *v = wxpresign_version();
    CHECK(v != NULL, "wxpresign_version() is not NULL");
    if (v != NULL) {
        printf("libwxpresign version %s\n", v);
        CHECK(v[0] != '\0', "wxpresign_version() is not empty");
        CHECK(strchr(v, '.') != NULL, "wxpresign_version() looks like x.y.z");
    }
}

static void test_endpoints_list(void) {
    char *out = NULL;
    wxpresign_status s = wxpresign_endpoints(&out);
    CHECK(s == WXPRESIGN_OK, "wxpresign_endpoints returns WXPRESIGN_OK");
    CHECK(out != NULL && out[0] == '[', "wxpresign_endpoints writes a JSON array");
    for (size_t i = 0; out != NULL && i < ENDPOINT_COUNT; i++) {
        char needle[256];
        snprintf(needle, sizeof needle, "\"c_function\":\"%s\"", ENDPOINTS[i].name);
        if (!CHECK(strstr(out, needle) != NULL, "wxpresign_endpoints lists the C function")) {
            fprintf(stderr, "    missing: %s\n", needle);
        }
    }
    wxpresign_string_free(out);
    CHECK(wxpresign_endpoints(NULL) == WXPRESIGN_ERR_ARGUMENT,
          "wxpresign_endpoints(NULL) returns WXPRESIGN_ERR_ARGUMENT");
}

static void test_client_new_errors(const char *config) {
    wxpresign_client *client = NULL;
    char *error = NULL;
    wxpresign_status s;

    s = wxpresign_client_new("{\"mchid\":", &client, &error);
    EXPECT("client_new(unparsable JSON)", s, WXPRESIGN_ERR_CONFIG, error, "\"kind\":\"config\"",
           "configuration JSON", "\"may_have_reached_server\":false");
    CHECK(client == NULL, "client_new(unparsable JSON) leaves *client_out NULL");

    error = NULL;
    s = wxpresign_client_new("{}", &client, &error);
    EXPECT("client_new({})", s, WXPRESIGN_ERR_CONFIG, error, "\"kind\":\"config\"",
           "mchid is required");
    CHECK(client == NULL, "client_new({}) leaves *client_out NULL");

    error = NULL;
    s = wxpresign_client_new("{\"mchid\":\"1900000109\",\"no_such_key\":1}", &client, &error);
    EXPECT("client_new(unknown key)", s, WXPRESIGN_ERR_CONFIG, error, "no_such_key");

    /* No error_out: the error string must not leak (valgrind checks). */
    s = wxpresign_client_new("{\"mchid\":", &client, NULL);
    CHECK(s == WXPRESIGN_ERR_CONFIG, "client_new(invalid, error_out NULL) returns CONFIG");
    CHECK(client == NULL, "client_new(invalid, error_out NULL) leaves *client_out NULL");

    error = NULL;
    s = wxpresign_client_new(config, NULL, &error);
    EXPECT("client_new(client_out NULL)", s, WXPRESIGN_ERR_ARGUMENT, error,
           "\"kind\":\"argument\"", "client_out is NULL");

    s = wxpresign_client_new(config, NULL, NULL);
    CHECK(s == WXPRESIGN_ERR_ARGUMENT, "client_new(client_out NULL, error_out NULL) -> ARGUMENT");

    error = NULL;
    s = wxpresign_client_new(NULL, &client, &error);
    EXPECT("client_new(config_json NULL)", s, WXPRESIGN_ERR_ARGUMENT, error,
           "config_json is NULL");
    CHECK(client == NULL, "client_new(config_json NULL) leaves *client_out NULL");

    error = NULL;
    s = wxpresign_client_new("\xff\xfe", &client, &error);
    EXPECT("client_new(invalid UTF-8)", s, WXPRESIGN_ERR_ARGUMENT, error, "not valid UTF-8");

    /* NULL is a no-op for both destructors. */
    wxpresign_client_free(NULL);
    wxpresign_string_free(NULL);
    CHECK(1, "wxpresign_client_free(NULL) and wxpresign_string_free(NULL) return");
}

static void test_endpoints_ok(const wxpresign_client *client, const char *request_dir) {
    for (size_t i = 0; i < ENDPOINT_COUNT; i++) {
        const struct endpoint *e = &ENDPOINTS[i];
        char path[4096];
        snprintf(path, sizeof path, "%s/%s.json", request_dir, e->name);
        char *request = read_file(path);
        if (!CHECK(request != NULL, "the example request file is readable")) {
            continue;
        }
        char *out = NULL;
        wxpresign_status s = e->fn(client, request, &out);
        if (s == WXPRESIGN_OK && out != NULL) {
            printf("  %-72s %s\n", e->name, out);
        }
        EXPECT(e->name, s, WXPRESIGN_OK, out, "\"status\":200", "\"request_id\":\"",
               "\"data\":{", e->answer_field);
        free(request);
    }
}

static void test_generic_call(const wxpresign_client *client) {
    char request[512];
    char *out = NULL;
    wxpresign_status s;

    edu_request(request, sizeof request, "generic_call_1", "2026-12-19");
    s = wxpresign_call(client, EDU_PATH, request, &out);
    EXPECT("wxpresign_call(v3/edu-papay/contracts/presign)", s, WXPRESIGN_OK, out,
           "\"status\":200", "\"presign_token\":");

    out = NULL;
    edu_request(request, sizeof request, "generic_call_2", "2026-12-19");
    s = wxpresign_call(client, "/v3/edu-papay/contracts/presign", request, &out);
    EXPECT("wxpresign_call(/v3/edu-papay/contracts/presign)", s, WXPRESIGN_OK, out,
           "\"status\":200", "\"presign_token\":");
}

/* Any APIv3 call: a pre-sign sent through wxpresign_request is verified as wxpresign_call's is; a
 * GET for a contract the sandbox does not have is its 404; bad paths are refused unsent. */
static void test_request(const wxpresign_client *client) {
    char request[512];
    char *out = NULL;
    wxpresign_status s;

    edu_request(request, sizeof request, "request_1", "2026-12-19");
    s = wxpresign_request(client, "POST", "/v3/edu-papay/contracts/presign", request, &out);
    EXPECT("wxpresign_request(POST a pre-sign)", s, WXPRESIGN_OK, out, "\"status\":200",
           "\"presign_token\":", "\"trace\":");

    out = NULL;
    s = wxpresign_request(client, "GET", "/v3/no-such-api/contracts?appid=wx8888888888888888",
                          NULL, &out);
    EXPECT("wxpresign_request(GET an unknown path)", s, WXPRESIGN_ERR_API, out,
           "\"http_status\":404");

    out = NULL;
    s = wxpresign_request(client, "GET", "/v3/papay/../certificates", NULL, &out);
    EXPECT("wxpresign_request(a .. segment)", s, WXPRESIGN_ERR_ARGUMENT, out, ".. segment",
           "\"may_have_reached_server\":false");

    out = NULL;
    s = wxpresign_request(client, "GET", "/v3/papay/contracts", "{}", &out);
    EXPECT("wxpresign_request(GET with a body)", s, WXPRESIGN_ERR_ARGUMENT, out,
           "a GET has no body");

    out = NULL;
    s = wxpresign_request(client, NULL, "/v3/papay/contracts", NULL, &out);
    EXPECT("wxpresign_request(method NULL)", s, WXPRESIGN_ERR_ARGUMENT, out, "method is NULL");

    out = NULL;
    s = wxpresign_encrypt(client, "\xe5\xbc\xa0\xe4\xb8\x89", &out);
    EXPECT("wxpresign_encrypt", s, WXPRESIGN_OK, out, "\"ciphertext\":\"", "\"serial\":\"");
    CHECK(wxpresign_encrypt(client, "x", NULL) == WXPRESIGN_ERR_ARGUMENT,
          "wxpresign_encrypt(out NULL) returns ARGUMENT");
}

/* Reads members of a real answer with wxpresign_json_get, as a C caller without a JSON library. */
static void test_json_get(const wxpresign_client *client) {
    char request[512];
    char *answer = NULL;
    char *out = NULL;
    edu_request(request, sizeof request, "json_get", "2026-12-19");
    if (!CHECK(wxpresign_call(client, EDU_PATH, request, &answer) == WXPRESIGN_OK,
               "an answer to read")) {
        wxpresign_string_free(answer);
        return;
    }
    CHECK(wxpresign_json_get(answer, "/data/presign_token", &out) == WXPRESIGN_OK,
          "json_get(/data/presign_token) returns WXPRESIGN_OK");
    CHECK(out != NULL && out[0] != '"' && strlen(out) > 8,
          "a string member comes without its quotes");
    wxpresign_string_free(out);
    out = NULL;
    CHECK(wxpresign_json_get(answer, "/status", &out) == WXPRESIGN_OK && out != NULL &&
              strcmp(out, "200") == 0,
          "a number comes as its JSON text");
    wxpresign_string_free(out);
    out = NULL;
    wxpresign_status s = wxpresign_json_get(answer, "/data/nothing", &out);
    EXPECT("json_get(/data/nothing)", s, WXPRESIGN_ERR_ARGUMENT, out, "\"kind\":\"argument\"",
           "no member at /data/nothing");
    out = NULL;
    s = wxpresign_json_get("{not json", "/x", &out);
    EXPECT("json_get(not JSON)", s, WXPRESIGN_ERR_ARGUMENT, out, "json is not valid JSON");
    out = NULL;
    s = wxpresign_json_get(NULL, "/x", &out);
    EXPECT("json_get(json NULL)", s, WXPRESIGN_ERR_ARGUMENT, out, "json is NULL");
    CHECK(wxpresign_json_get(answer, "/status", NULL) == WXPRESIGN_ERR_ARGUMENT,
          "json_get(out NULL) returns WXPRESIGN_ERR_ARGUMENT");
    wxpresign_string_free(answer);
}

static void test_argument_errors(const wxpresign_client *client) {
    char request[512];
    char *out;
    wxpresign_status s;
    edu_request(request, sizeof request, "argument_errors", "2026-12-19");

    out = NULL;
    s = wxpresign_edu_papay(NULL, request, &out);
    EXPECT("edu_papay(client NULL)", s, WXPRESIGN_ERR_ARGUMENT, out, "\"kind\":\"argument\"",
           "client is NULL", "\"retryable\":false", "\"may_have_reached_server\":false");

    out = NULL;
    s = wxpresign_call(NULL, EDU_PATH, request, &out);
    EXPECT("call(client NULL)", s, WXPRESIGN_ERR_ARGUMENT, out, "client is NULL");

    s = wxpresign_edu_papay(client, request, NULL);
    CHECK(s == WXPRESIGN_ERR_ARGUMENT, "edu_papay(out NULL) returns ARGUMENT");
    s = wxpresign_call(client, EDU_PATH, request, NULL);
    CHECK(s == WXPRESIGN_ERR_ARGUMENT, "call(out NULL) returns ARGUMENT");
    s = wxpresign_edu_papay(NULL, NULL, NULL);
    CHECK(s == WXPRESIGN_ERR_ARGUMENT, "edu_papay(NULL, NULL, NULL) returns ARGUMENT");

    out = NULL;
    s = wxpresign_edu_papay(client, NULL, &out);
    EXPECT("edu_papay(request NULL)", s, WXPRESIGN_ERR_ARGUMENT, out, "\"kind\":\"argument\"",
           "request_json is NULL");

    out = NULL;
    s = wxpresign_edu_papay(client, "\xff\xfe", &out);
    EXPECT("edu_papay(invalid UTF-8)", s, WXPRESIGN_ERR_ARGUMENT, out, "\"kind\":\"argument\"",
           "not valid UTF-8");

    out = NULL;
    s = wxpresign_edu_papay(client, "{\"appid\":", &out);
    EXPECT("edu_papay(unparsable JSON)", s, WXPRESIGN_ERR_ARGUMENT, out, "\"kind\":\"argument\"",
           "not valid JSON");

    out = NULL;
    s = wxpresign_call(client, "v3/no-such/endpoint", request, &out);
    EXPECT("call(unknown endpoint)", s, WXPRESIGN_ERR_ARGUMENT, out, "\"kind\":\"argument\"",
           "unknown endpoint", "v3/no-such/endpoint");

    out = NULL;
    s = wxpresign_call(client, NULL, request, &out);
    EXPECT("call(endpoint NULL)", s, WXPRESIGN_ERR_ARGUMENT, out, "endpoint is NULL");

    out = NULL;
    s = wxpresign_call(client, "v3/edu-papay/\xff", request, &out);
    EXPECT("call(endpoint invalid UTF-8)", s, WXPRESIGN_ERR_ARGUMENT, out, "not valid UTF-8");
}

static void test_remote_errors(const wxpresign_client *client) {
    char request[512];
    char *out;
    wxpresign_status s;

    out = NULL;
    edu_request(request, sizeof request, "validation", "2026-02-30");
    s = wxpresign_edu_papay(client, request, &out);
    EXPECT("edu_papay(period_start_date 2026-02-30)", s, WXPRESIGN_ERR_VALIDATION, out,
           "\"kind\":\"validation\"", "\"field\":\"/period_start_date\"",
           "\"may_have_reached_server\":false");

    out = NULL;
    edu_request(request, sizeof request, "SANDBOXSYSTEMERROR", "2026-12-19");
    s = wxpresign_edu_papay(client, request, &out);
    EXPECT("edu_papay(SANDBOXSYSTEMERROR)", s, WXPRESIGN_ERR_API, out, "\"kind\":\"api\"",
           "\"http_status\":500", "\"code\":\"SYSTEM_ERROR\"", "\"retryable\":true",
           "\"may_have_reached_server\":true");

    out = NULL;
    edu_request(request, sizeof request, "SANDBOXFREQUENCYLIMITED", "2026-12-19");
    s = wxpresign_edu_papay(client, request, &out);
    EXPECT("edu_papay(SANDBOXFREQUENCYLIMITED)", s, WXPRESIGN_ERR_API, out,
           "\"http_status\":429", "\"code\":\"FREQUENCY_LIMITED\"", "\"retryable\":true");

    static const char *const verify_faults[] = {
        "SANDBOXBADSIGNATURE", "SANDBOXPROBE",    "SANDBOXSTALE",
        "SANDBOXUNKNOWNSERIAL", "SANDBOXUNSIGNED", "SANDBOXTAMPERED",
    };
    for (size_t i = 0; i < sizeof verify_faults / sizeof verify_faults[0]; i++) {
        char what[128];
        snprintf(what, sizeof what, "edu_papay(%s)", verify_faults[i]);
        out = NULL;
        edu_request(request, sizeof request, verify_faults[i], "2026-12-19");
        s = wxpresign_edu_papay(client, request, &out);
        EXPECT(what, s, WXPRESIGN_ERR_VERIFY, out, "\"kind\":\"verify\"",
               "\"may_have_reached_server\":true");
    }

    out = NULL;
    edu_request(request, sizeof request, "SANDBOXDROP", "2026-12-19");
    s = wxpresign_edu_papay(client, request, &out);
    EXPECT("edu_papay(SANDBOXDROP)", s, WXPRESIGN_ERR_TRANSPORT, out, "\"kind\":\"transport\"",
           "\"retryable\":true", "\"may_have_reached_server\":true");
}

static void test_unreachable(const char *config) {
    wxpresign_client *client = NULL;
    char *error = NULL;
    wxpresign_status s = wxpresign_client_new(config, &client, &error);
    if (!CHECK(s == WXPRESIGN_OK && client != NULL, "client_new(unreachable config) succeeds")) {
        fprintf(stderr, "    error: %s\n", error ? error : "(NULL)");
        wxpresign_string_free(error);
        return;
    }
    CHECK(error == NULL, "client_new writes nothing to error_out on success");

    char request[512];
    char *out = NULL;
    edu_request(request, sizeof request, "unreachable", "2026-12-19");
    s = wxpresign_edu_papay(client, request, &out);
    EXPECT("edu_papay(base_url http://127.0.0.1:1)", s, WXPRESIGN_ERR_TRANSPORT, out,
           "\"kind\":\"transport\"", "\"retryable\":true", "\"may_have_reached_server\":false");
    wxpresign_client_free(client);
}

/* ------------------------------------------------------------------------------------------ */
/* Threads: one client shared by several threads at once. */

#define THREADS 4
#define CALLS_PER_THREAD 20

struct worker {
    const wxpresign_client *client;
    int index;
    int ok_calls;
};

static void *worker_main(void *arg) {
    struct worker *w = arg;
    for (int i = 0; i < CALLS_PER_THREAD; i++) {
        char user_id[64], request[512];
        snprintf(user_id, sizeof user_id, "thread%d_call%02d", w->index, i);
        edu_request(request, sizeof request, user_id, "2026-12-19");
        char *out = NULL;
        wxpresign_status s = wxpresign_edu_papay(w->client, request, &out);
        if (s == WXPRESIGN_OK && out != NULL && strstr(out, "\"status\":200") != NULL &&
            strstr(out, "\"presign_token\":") != NULL) {
            w->ok_calls++;
        } else {
            fprintf(stderr, "thread %d call %d: %s %s\n", w->index, i, status_name(s),
                    out ? out : "(NULL)");
        }
        wxpresign_string_free(out);
    }
    return NULL;
}

static void test_threads(const wxpresign_client *client) {
    pthread_t threads[THREADS];
    struct worker workers[THREADS];
    int started[THREADS];
    for (int i = 0; i < THREADS; i++) {
        workers[i] = (struct worker){.client = client, .index = i, .ok_calls = 0};
        started[i] = pthread_create(&threads[i], NULL, worker_main, &workers[i]) == 0;
        CHECK(started[i], "pthread_create");
    }
    int total = 0;
    for (int i = 0; i < THREADS; i++) {
        if (started[i]) {
            CHECK(pthread_join(threads[i], NULL) == 0, "pthread_join");
        }
        CHECK(workers[i].ok_calls == CALLS_PER_THREAD, "every call of a thread succeeds");
        total += workers[i].ok_calls;
    }
    printf("threads: %d of %d concurrent calls succeeded\n", total, THREADS * CALLS_PER_THREAD);
}

/* ------------------------------------------------------------------------------------------ */

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: %s CONFIG.json UNREACHABLE_CONFIG.json REQUEST_DIR\n", argv[0]);
        return 2;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);

    test_version();
    test_endpoints_list();

    char *config = read_file(argv[1]);
    char *unreachable = read_file(argv[2]);
    if (!CHECK(config != NULL && unreachable != NULL, "the configuration files are readable")) {
        free(config);
        free(unreachable);
        printf("%d passed, %d failed\n", passed, failed);
        return 1;
    }

    test_client_new_errors(config);

    wxpresign_client *client = NULL;
    char *error = NULL;
    wxpresign_status s = wxpresign_client_new(config, &client, &error);
    if (CHECK(s == WXPRESIGN_OK && client != NULL, "client_new(sandbox config) succeeds")) {
        CHECK(error == NULL, "client_new writes nothing to error_out on success");
        printf("endpoints:\n");
        test_endpoints_ok(client, argv[3]);
        test_generic_call(client);
        test_request(client);
        test_json_get(client);
        test_argument_errors(client);
        test_remote_errors(client);
        const char *skip = getenv("WXPRESIGN_SKIP_THREADS");
        if (skip != NULL && strcmp(skip, "1") == 0) {
            printf("threads: skipped (WXPRESIGN_SKIP_THREADS=1)\n");
        } else {
            test_threads(client);
        }
        wxpresign_client_free(client);
    } else {
        fprintf(stderr, "    error: %s\n", error ? error : "(NULL)");
        wxpresign_string_free(error);
    }

    test_unreachable(unreachable);

    free(config);
    free(unreachable);
    printf("%d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
