/*
 * One contract's life after signing, through wxpresign_request: query it, terminate it, query
 * it again, and query one that is not there.
 *
 *   lifecycle CONFIG.json CONTRACT_ID QUERY METHOD TERMINATE BODY AFTER NEEDLE UNKNOWN
 *
 * QUERY must answer with CONTRACT_ID; METHOD TERMINATE with BODY ("" for none) must succeed;
 * AFTER must then answer with NEEDLE; UNKNOWN must be WeChat Pay's 404. Prints a line per step;
 * exits 1 on a failure.
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
    if (argc != 10) {
        fprintf(stderr, "usage: %s CONFIG CONTRACT_ID QUERY METHOD TERMINATE BODY AFTER NEEDLE "
                        "UNKNOWN\n", argv[0]);
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
    const char *body = argv[6][0] != '\0' ? argv[6] : NULL;
    step(client, "GET", argv[3], NULL, WXPRESIGN_OK, argv[2]);
    step(client, argv[4], argv[5], body, WXPRESIGN_OK, "\"status\":");
    step(client, "GET", argv[7], NULL, WXPRESIGN_OK, argv[8]);
    step(client, "GET", argv[9], NULL, WXPRESIGN_ERR_API, "\"http_status\":404");
    wxpresign_client_free(client);
    return failures == 0 ? 0 : 1;
}
