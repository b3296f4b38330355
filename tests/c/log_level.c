/* wxpresign_config_log with a level outside the named constants: refused with
 * WXPRESIGN_ERR_ARGUMENT, and the hook keeps the level it had. argv[1]: a configuration whose
 * base_url nobody listens on, so that a call fails at once and logs one WARN event at INFO (and
 * more, one per attempt, had the hook moved to DEBUG); argv[2]: an edu-papay pre-sign request.
 * Prints "N failed". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "wxpresign.h"

static int failures = 0;
static int events = 0;

static void check(int ok, const char *what) {
    printf("%s: %s\n", ok ? "ok" : "FAILED", what);
    if (!ok) failures++;
}

static void count(void *user, enum wxpresign_log_level level, const char *event_json) {
    (void)user;
    (void)event_json;
    if (level == WXPRESIGN_LOG_WARN) events++;
    else events += 100;
}

static char *read_file(const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    static char text[65536];
    size_t n = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[n] = '\0';
    return text;
}

int main(int argc, char **argv) {
    if (argc != 3) return 2;
    const char *config = read_file(argv[1]);
    struct wxpresign_client *client = NULL;
    char *error = NULL;
    if (!config || wxpresign_client_new(config, &client, &error) != WXPRESIGN_OK) {
        fprintf(stderr, "no client: %s\n", error ? error : "cannot read the configuration");
        return 2;
    }

    check(wxpresign_config_log(count, NULL, WXPRESIGN_LOG_INFO) == WXPRESIGN_OK, "INFO is taken");
    int unknown[] = {1, 5, 99, -1};
    for (size_t i = 0; i < sizeof unknown / sizeof unknown[0]; i++) {
        char what[64];
        snprintf(what, sizeof what, "level %d is refused as an argument error", unknown[i]);
        check(wxpresign_config_log(count, NULL, unknown[i]) == WXPRESIGN_ERR_ARGUMENT, what);
    }

    char *out = NULL;
    wxpresign_status status =
        wxpresign_call(client, "v3/edu-papay/contracts/presign", argv[2], &out);
    wxpresign_string_free(out);
    check(status != WXPRESIGN_OK, "the call fails");
    printf("events: %d\n", events);
    check(events == 1, "one WARN event: the hook stayed at INFO");

    check(wxpresign_config_log(NULL, NULL, WXPRESIGN_LOG_OFF) == WXPRESIGN_OK, "OFF is taken");
    wxpresign_client_free(client);
    printf("%d failed\n", failures);
    return failures ? 1 : 0;
}
