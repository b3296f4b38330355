/*
 * One e-commerce contract's life after signing, through wxpresign_request: query it by plan and
 * contract code, terminate it, query it again, and query one that is not there.
 *
 *   lifecycle CONFIG.json OUT_CONTRACT_CODE      (prints one line per step; exits 1 on a failure)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wxpresign.h"

static int failures;

/* Runs one call, prints it, and checks its status and that its output holds `needle`. */
static void step(const wxpresign_client *client, const char *method, const char *path,
                 const char *body, wxpresign_status want, const char *needle) {
    char *out = NULL;
    wxpresign_status got = wxpresign_request(client, method, path, body, &out);
    int ok = got == want && out != NULL && strstr(out, needle) != NULL;
    printf("%s %s %s -> %d %s\n", ok ? "ok" : "FAILED", method, path, (int)got,
           out ? out : "(null)");
    failures += !ok;
    wxpresign_string_free(out);
}

static char *read_file(const char *path) {
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        return NULL;
    }
    static char text[65536];
    size_t n = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[n] = '\0';
    return text;
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: %s CONFIG.json OUT_CONTRACT_CODE\n", argv[0]);
        return 2;
    }
    const char *config = read_file(argv[1]);
    wxpresign_client *client = NULL;
    char *error = NULL;
    if (config == NULL || wxpresign_client_new(config, &client, &error) != WXPRESIGN_OK) {
        fprintf(stderr, "no client: %s\n", error ? error : "cannot read the configuration");
        wxpresign_string_free(error);
        return 1;
    }
    char path[256];
    snprintf(path, sizeof path,
             "/v3/ecommerce/combine-papay/contracts/plan-id/12535/out-contract-code/%s", argv[2]);
    char terminate[300];
    snprintf(terminate, sizeof terminate, "%s/terminate", path);

    step(client, "GET", path, NULL, WXPRESIGN_OK, "\"contract_state\":\"SIGNED\"");
    step(client, "POST", terminate, "{\"contract_termination_remark\":\"\xe7\x94\xa8\xe6\x88\xb7\xe8\xa7\xa3\xe7\xba\xa6\"}",
         WXPRESIGN_OK, "\"out_contract_code\"");
    step(client, "GET", path, NULL, WXPRESIGN_OK, "\"contract_state\":\"TERMINATED\"");
    step(client, "GET",
         "/v3/ecommerce/combine-papay/contracts/plan-id/12535/out-contract-code/NOSUCH1", NULL,
         WXPRESIGN_ERR_API, "\"http_status\":404");
    wxpresign_client_free(client);
    return failures == 0 ? 0 : 1;
}
