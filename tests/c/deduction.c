/* One call on a contract through its typed function: the deduction schedule, whose
 * contract_id is a member of the request JSON. argv[1]: a configuration for a listener that
 * records the request. The listener sees the path with the contract id percent-encoded and a
 * body without it; a contract id holding a / is refused before sending, naming /contract_id.
 * Prints "N failed". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "wxpresign.h"

static int failures = 0;

static void check(int ok, const char *what) {
    printf("%s: %s\n", ok ? "ok" : "FAILED", what);
    if (!ok) failures++;
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

/* Whether the member at `pointer` of `json` is `expected`. */
static int member_is(const char *json, const char *pointer, const char *expected) {
    char *value = NULL;
    int same = wxpresign_json_get(json, pointer, &value) == WXPRESIGN_OK &&
               strcmp(value, expected) == 0;
    wxpresign_string_free(value);
    return same;
}

int main(int argc, char **argv) {
    if (argc != 2) return 2;
    const char *config = read_file(argv[1]);
    struct wxpresign_client *client = NULL;
    char *error = NULL;
    if (!config || wxpresign_client_new(config, &client, &error) != WXPRESIGN_OK) {
        fprintf(stderr, "no client: %s\n", error ? error : "cannot read the configuration");
        return 2;
    }

    char *out = NULL;
    wxpresign_status status = wxpresign_papay_pay_schedules_contract_id_schedule(
        client,
        "{\"contract_id\":\"Wx 15\",\"appid\":\"wxd678efh567hg6787\","
        "\"schedule_amount\":{\"total\":100,\"currency\":\"CNY\"}}",
        &out);
    check(status == WXPRESIGN_OK, "the schedule is sent and its answer verified");
    check(member_is(out, "/status", "200"), "the answer is 200");
    wxpresign_string_free(out);

    out = NULL;
    status = wxpresign_papay_pay_schedules_contract_id_schedule(
        client,
        "{\"contract_id\":\"Wx/15\",\"appid\":\"wxd678efh567hg6787\","
        "\"schedule_amount\":{\"total\":100}}",
        &out);
    check(status == WXPRESIGN_ERR_VALIDATION, "a contract id holding a / is refused");
    check(member_is(out, "/error/field", "/contract_id"), "the error names /contract_id");
    check(member_is(out, "/error/may_have_reached_server", "false"), "nothing was sent");
    wxpresign_string_free(out);

    wxpresign_client_free(client);
    printf("%d failed\n", failures);
    return failures == 0 ? 0 : 1;
}
