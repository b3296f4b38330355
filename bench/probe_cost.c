/* What the system calls ureq adds to a call on a kept-alive connection cost, for README
 * "Performance":
 *   cc -O2 bench/probe_cost.c -o probe_cost && ./probe_cost [ROUNDS]
 * On an idle loopback TCP connection, times ROUNDS (default 1,000,000) of each of:
 *   ureq's probe of a pooled connection: ioctl(FIONBIO, 1), a one-byte recv (EAGAIN),
 *     ioctl(FIONBIO, 0), which it runs when a connection returns to the pool and when it is
 *     taken out again;
 *   the one-call probe that would do instead: recv(MSG_PEEK | MSG_DONTWAIT);
 *   setsockopt(SO_RCVTIMEO) with a new value, which ureq runs before each write and each read
 *     because the time left to the call's deadline changes.
 * Prints microseconds per operation. */
#define _DEFAULT_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static double now_us(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e6 + (double)t.tv_nsec / 1e3;
}

static void fail(const char *what) {
    perror(what);
    exit(1);
}

int main(int argc, char **argv) {
    long rounds = argc > 1 ? atol(argv[1]) : 1000000;
    if (rounds < 1) {
        fprintf(stderr, "usage: probe_cost [ROUNDS]\n");
        return 2;
    }
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof addr;
    int listener = socket(AF_INET, SOCK_STREAM, 0);
    if (listener < 0 || bind(listener, (struct sockaddr *)&addr, len) != 0 ||
        listen(listener, 1) != 0 || getsockname(listener, (struct sockaddr *)&addr, &len) != 0)
        fail("listen");
    int client = socket(AF_INET, SOCK_STREAM, 0);
    if (client < 0 || connect(client, (struct sockaddr *)&addr, len) != 0) fail("connect");
    int server = accept(listener, NULL, NULL);
    if (server < 0) fail("accept");

    char byte;
    double start = now_us();
    for (long i = 0; i < rounds; i++) {
        int on = 1, off = 0;
        ioctl(client, FIONBIO, &on);
        if (recv(client, &byte, 1, 0) >= 0 || errno != EAGAIN) fail("probe");
        ioctl(client, FIONBIO, &off);
    }
    double three = (now_us() - start) / (double)rounds;

    start = now_us();
    for (long i = 0; i < rounds; i++) {
        if (recv(client, &byte, 1, MSG_PEEK | MSG_DONTWAIT) >= 0 || errno != EAGAIN) fail("peek");
    }
    double one = (now_us() - start) / (double)rounds;

    start = now_us();
    for (long i = 0; i < rounds; i++) {
        struct timeval timeout = {.tv_sec = 5, .tv_usec = i % 1000000};
        if (setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout) != 0)
            fail("setsockopt");
    }
    double timeout = (now_us() - start) / (double)rounds;

    printf("probe, ioctl + recv + ioctl (ureq):       %.3f us\n", three);
    printf("probe, recv(MSG_PEEK | MSG_DONTWAIT):      %.3f us\n", one);
    printf("setsockopt(SO_RCVTIMEO), a new value:      %.3f us\n", timeout);
    printf("saved per call by one-call probes and no timeout changes: %.2f us\n",
           2 * (three - one) + 2 * timeout);
    close(server);
    close(client);
    close(listener);
    return 0;
}
