/* A WeChat Pay notification handler in C: verifies and decrypts a notification with
 * wxpresign_notification_parse and sends back the answer the library gives.
 *
 *   notify CONFIG.json --listen PORT       a small HTTP server on 127.0.0.1:PORT, one request
 *                                          at a time (test it with `wxpresign notify-test`)
 *   notify CONFIG.json HEADERS.json BODY   one notification from files: HEADERS.json a JSON
 *                                          object of the request's headers, BODY the raw body
 *
 * The server is the smallest that shows the calls: in production, put the same three steps
 * (headers as JSON, the raw body, the answer the library gives) in your web server's handler.
 * See docs/notifications.md. */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>
#include <wxpresign.h>

/* The largest request read: WeChat Pay's notifications are a few kilobytes. */
#define MAX_REQUEST (128 * 1024)

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

/* The member of `json` at `pointer` (free it), or NULL: wxpresign_json_get spares a parser. */
static char *member(const char *json, const char *pointer) {
    char *value = NULL;
    if (wxpresign_json_get(json, pointer, &value) != WXPRESIGN_OK) {
        wxpresign_string_free(value);
        return NULL;
    }
    return value;
}

/* The answer to send back, from what wxpresign_notification_parse handed out: the
 * notification's "answer" when it was verified, the error's otherwise (a refused notification
 * has its answer too: 4xx or 5xx and {"code":"FAIL",...}, and WeChat Pay retries later). */
static void answer_of(wxpresign_status status, const char *parsed, int *code, char **body) {
    const char *at = status == WXPRESIGN_OK ? "/answer" : "/error/answer";
    char pointer[32];
    snprintf(pointer, sizeof pointer, "%s/status", at);
    char *text = member(parsed, pointer);
    *code = text != NULL ? atoi(text) : 500;
    wxpresign_string_free(text);
    snprintf(pointer, sizeof pointer, "%s/body", at);
    *body = member(parsed, pointer);
}

/* Verifies and decrypts one notification, logs it, and returns the answer's status and body
 * (free the body with wxpresign_string_free). */
static int handle(wxpresign_client *client, const char *headers, const char *body, size_t len,
                  char **answer_body) {
    char *parsed = NULL;
    /* The body exactly as received: the signature covers these bytes. */
    wxpresign_status status = wxpresign_notification_parse(client, headers, body, len, &parsed);
    if (status == WXPRESIGN_OK) {
        char *event = member(parsed, "/event_type");
        char *id = member(parsed, "/id");
        /* Your business logic goes here. Make it idempotent, keyed on the id (or the
         * contract and event): WeChat Pay may deliver the same notification more than once. */
        fprintf(stderr, "event: %s id: %s\n", event ? event : "?", id ? id : "?");
        wxpresign_string_free(event);
        wxpresign_string_free(id);
    } else {
        char *message = member(parsed, "/error/message");
        fprintf(stderr, "refused: %s\n", message ? message : "?");
        wxpresign_string_free(message);
    }
    int code;
    answer_of(status, parsed, &code, answer_body);
    wxpresign_string_free(parsed);
    return code;
}

/* Appends `text` to `out` (of `cap` bytes, at *at) as a JSON string's contents. */
static int append_json(char *out, size_t cap, size_t *at, const char *text, size_t len) {
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)text[i];
        char escaped[8];
        int n = c == '"' || c == '\\' ? snprintf(escaped, sizeof escaped, "\\%c", c)
                : c < 0x20           ? snprintf(escaped, sizeof escaped, "\\u%04x", c)
                                     : snprintf(escaped, sizeof escaped, "%c", c);
        if (*at + (size_t)n + 1 > cap) return -1;
        memcpy(out + *at, escaped, (size_t)n);
        *at += (size_t)n;
    }
    out[*at] = '\0';
    return 0;
}

/* The request's header lines (after the request line, up to the blank line) as a JSON object
 * into `json`; *content_length gets Content-Length. -1 when they do not fit. */
static int headers_json(char *lines, char *json, size_t cap, size_t *content_length) {
    size_t at = 0;
    json[at++] = '{';
    char *save = NULL;
    strtok_r(lines, "\r\n", &save); /* the request line */
    for (char *line = strtok_r(NULL, "\r\n", &save); line != NULL;
         line = strtok_r(NULL, "\r\n", &save)) {
        char *colon = strchr(line, ':');
        if (colon == NULL) continue;
        *colon = '\0';
        const char *value = colon + 1;
        while (*value == ' ' || *value == '\t') value++;
        if (strcasecmp(line, "Content-Length") == 0) *content_length = strtoul(value, NULL, 10);
        if (at + 4 > cap) return -1;
        if (at > 1) json[at++] = ',';
        json[at++] = '"';
        if (append_json(json, cap, &at, line, strlen(line)) != 0 || at + 3 > cap) return -1;
        memcpy(json + at, "\":\"", 3);
        at += 3;
        if (append_json(json, cap, &at, value, strlen(value)) != 0 || at + 3 > cap) return -1;
        json[at++] = '"';
    }
    json[at++] = '}';
    json[at] = '\0';
    return 0;
}

/* Reads one request from `fd` into `buf` (MAX_REQUEST bytes); returns the end of its headers
 * (where the body starts) and sets *total to the bytes read, or NULL. */
static char *read_head(int fd, char *buf, size_t *total) {
    *total = 0;
    while (*total < MAX_REQUEST) {
        ssize_t n = read(fd, buf + *total, MAX_REQUEST - *total);
        if (n <= 0) return NULL;
        *total += (size_t)n;
        buf[*total] = '\0';
        char *end = strstr(buf, "\r\n\r\n");
        if (end != NULL) return end + 4;
    }
    return NULL;
}

/* Serves one connection: a request in, the library's answer out. */
static void serve_one(wxpresign_client *client, int fd) {
    static char buf[MAX_REQUEST + 1], json[2 * MAX_REQUEST];
    size_t total, length = 0;
    char *body = read_head(fd, buf, &total);
    if (body == NULL) return;
    size_t have = total - (size_t)(body - buf);
    body[-2] = '\0'; /* the header lines end at the blank line */
    if (headers_json(buf, json, sizeof json, &length) != 0 || length > MAX_REQUEST - (size_t)(body - buf)) {
        const char *too_big = "HTTP/1.1 413 Payload Too Large\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
        (void)!write(fd, too_big, strlen(too_big));
        return;
    }
    while (have < length) {
        ssize_t n = read(fd, body + have, length - have);
        if (n <= 0) return;
        have += (size_t)n;
    }
    char *answer = NULL;
    int code = handle(client, json, body, length, &answer);
    const char *text = answer != NULL ? answer : "";
    char head[256];
    int n = snprintf(head, sizeof head,
                     "HTTP/1.1 %d %s\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n"
                     "Connection: close\r\n\r\n",
                     code, code < 300 ? "OK" : "Refused", strlen(text));
    (void)!write(fd, head, (size_t)n);
    (void)!write(fd, text, strlen(text));
    wxpresign_string_free(answer);
}

static int serve(wxpresign_client *client, int port) {
    int listener = socket(AF_INET, SOCK_STREAM, 0);
    int on = 1;
    setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((unsigned short)port)};
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (listener < 0 || bind(listener, (struct sockaddr *)&addr, sizeof addr) != 0 ||
        listen(listener, 16) != 0) {
        perror("cannot listen");
        return 1;
    }
    printf("listening on http://127.0.0.1:%d\n", port);
    fflush(stdout);
    for (;;) {
        int fd = accept(listener, NULL, NULL);
        if (fd < 0) continue;
        serve_one(client, fd);
        close(fd);
    }
}

/* One notification from files, printed. */
static int from_files(wxpresign_client *client, const char *headers_path, const char *body_path) {
    size_t headers_len = 0, body_len = 0;
    char *headers = read_file(headers_path, &headers_len);
    char *body = read_file(body_path, &body_len);
    int ok = 0;
    if (headers == NULL || body == NULL) {
        fprintf(stderr, "cannot read the headers or the body\n");
    } else {
        char *parsed = NULL;
        wxpresign_status status =
            wxpresign_notification_parse(client, headers, body, body_len, &parsed);
        ok = status == WXPRESIGN_OK;
        const char *show[][2] = {{"event", "/event_type"},
                                 {"contract", "/resource/out_contract_code"},
                                 {"refused", "/error/message"}};
        for (size_t i = 0; i < 3; i++) {
            char *value = member(parsed, show[i][1]);
            if (value != NULL) printf("%s: %s\n", show[i][0], value);
            wxpresign_string_free(value);
        }
        int code;
        char *answer = NULL;
        answer_of(status, parsed, &code, &answer);
        printf("answer status: %d\nanswer body: %s\n", code, answer ? answer : "");
        wxpresign_string_free(answer);
        wxpresign_string_free(parsed);
    }
    free(headers);
    free(body);
    return ok ? 0 : 1;
}

int main(int argc, char **argv) {
    int listen_mode = argc == 4 && strcmp(argv[2], "--listen") == 0;
    if (argc != 4) {
        fprintf(stderr, "usage: %s CONFIG.json --listen PORT\n       %s CONFIG.json HEADERS.json BODY\n",
                argv[0], argv[0]);
        return 2;
    }
    size_t config_len = 0;
    char *config = read_file(argv[1], &config_len);
    if (config == NULL) {
        fprintf(stderr, "cannot read the configuration %s\n", argv[1]);
        return 2;
    }
    wxpresign_client *client = NULL;
    char *error = NULL;
    wxpresign_status status = wxpresign_client_new(config, &client, &error);
    free(config);
    if (status != WXPRESIGN_OK) {
        fprintf(stderr, "wxpresign_client_new: status %d %s\n", status, error);
        wxpresign_string_free(error);
        return 1;
    }
    int code = listen_mode ? serve(client, atoi(argv[3])) : from_files(client, argv[2], argv[3]);
    wxpresign_client_free(client);
    return code;
}
