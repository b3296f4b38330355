/* Verifies and decrypts a WeChat Pay notification, as a web handler would:
 *   notify CONFIG.json HEADERS.json BODY
 * HEADERS.json is a JSON object of the request's headers (name: value), BODY the raw body as
 * received. Prints the event and the HTTP answer to send back (see docs/notifications.md). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wxpresign.h>

/* The whole file as a NUL-terminated string (free it), or NULL; *len gets its length. */
static char *read_file(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (f == NULL) return NULL;
    char *text = NULL;
    long size;
    if (fseek(f, 0, SEEK_END) == 0 && (size = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
        (text = malloc((size_t)size + 1)) != NULL) {
        *len = fread(text, 1, (size_t)size, f);
        text[*len] = '\0';
    }
    fclose(f);
    return text;
}

/* Prints `label` and the member of `json` at `pointer` (wxpresign_json_get spares a JSON parser). */
static void show(const char *label, const char *json, const char *pointer) {
    char *value = NULL;
    if (wxpresign_json_get(json, pointer, &value) == WXPRESIGN_OK) {
        printf("%s: %s\n", label, value);
    }
    wxpresign_string_free(value);
}

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: %s CONFIG.json HEADERS.json BODY\n", argv[0]);
        return 2;
    }
    size_t config_len = 0, headers_len = 0, body_len = 0;
    char *config = read_file(argv[1], &config_len);
    char *headers = read_file(argv[2], &headers_len);
    char *body = read_file(argv[3], &body_len);
    if (config == NULL || headers == NULL || body == NULL) {
        fprintf(stderr, "cannot read the configuration, the headers or the body\n");
        free(config);
        free(headers);
        free(body);
        return 2;
    }

    wxpresign_client *client = NULL;
    char *error = NULL;
    wxpresign_status status = wxpresign_client_new(config, &client, &error);
    free(config);
    if (status != WXPRESIGN_OK) {
        fprintf(stderr, "wxpresign_client_new: status %d %s\n", status, error);
        wxpresign_string_free(error);
        free(headers);
        free(body);
        return 1;
    }

    /* The body exactly as received: the signature covers these bytes. */
    char *parsed = NULL;
    status = wxpresign_notification_parse(client, headers, body, body_len, &parsed);
    if (status == WXPRESIGN_OK) {
        show("event", parsed, "/event_type");
        show("contract", parsed, "/resource/out_contract_code");
        /* The HTTP answer WeChat Pay expects: 200 and an empty body. */
        show("answer status", parsed, "/answer/status");
    } else {
        show("refused", parsed, "/error/message");
        /* Even a refused notification has its answer (4xx/5xx): WeChat Pay retries later. */
        show("answer status", parsed, "/error/answer/status");
        show("answer body", parsed, "/error/answer/body");
    }
    wxpresign_string_free(parsed);
    wxpresign_client_free(client);
    free(headers);
    free(body);
    return status == WXPRESIGN_OK ? 0 : 1;
}
