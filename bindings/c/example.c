/* Asks for an education pre-sign token: example CONFIG.json (see docs/configuration.md). */
#include <stdio.h>
#include <stdlib.h>
#include <wxpresign.h>

/* The whole file as a NUL-terminated string (free it), or NULL. */
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
    if (argc != 2) {
        fprintf(stderr, "usage: %s CONFIG.json\n", argv[0]);
        return 2;
    }
    char *config = read_file(argv[1]);
    if (config == NULL) {
        perror(argv[1]);
        return 2;
    }

    /* One client per configuration, reused for every call, shareable between threads. */
    wxpresign_client *client = NULL;
    char *error = NULL;
    wxpresign_status status = wxpresign_client_new(config, &client, &error);
    free(config);
    if (status != WXPRESIGN_OK) {
        fprintf(stderr, "wxpresign_client_new: status %d %s\n", status, error);
        wxpresign_string_free(error);
        return 1;
    }

    char *answer = NULL;
    status = wxpresign_edu_papay(client,
        "{\"appid\":\"wx8888888888888888\",\"openid\":\"oUpF8uMuAJOM2pxb1Q\","
        "\"plan_id\":\"101164396123311331\",\"user_id\":\"20200330tony\","
        "\"period_start_date\":\"2026-12-19\",\"trade_scene\":\"EDUCATION_PERIOD\"}",
        &answer);
    if (status == WXPRESIGN_OK) {
        printf("%s\n", answer); /* {"status":200,"request_id":"...","data":{"presign_token":"..."}} */
    } else {
        /* {"error":{"kind":...,"message":...,"retryable":...,"may_have_reached_server":...}} */
        fprintf(stderr, "wxpresign_edu_papay: status %d %s\n", status, answer);
    }
    wxpresign_string_free(answer);
    wxpresign_client_free(client);
    return status == WXPRESIGN_OK ? 0 : 1;
}
