/*
 * One contract's life after signing, through wxpresign_request: query it, terminate it, query
 * it again, and query one that is not there.
 *
 *   lifecycle CONFIG.json CONTRACT_ID QUERY METHOD TERMINATE BODY AFTER NEEDLE UNKNOWN
 *
 * QUERY must answer with CONTRACT_ID; METHOD TERMINATE with BODY ("" for none) must succeed;
 * AFTER must then answer with NEEDLE; UNKNOWN must be WeChat Pay's 404. Prints a line per step;
 * exits 1 on a failure.
 *
 * One step of a scheduled deduction, through the typed functions, whose output must hold NEEDLE
 * (the sandbox's clock is moved between the steps by the test that runs them):
 *
 *   lifecycle CONFIG.json schedule REQUEST NEEDLE      wxpresign_papay_pay_schedules_contract_id_schedule
 *   lifecycle CONFIG.json apply REQUEST NEEDLE         wxpresign_papay_pay_transactions_apply
 *   lifecycle CONFIG.json order REQUEST NEEDLE         wxpresign_pay_transactions_out_trade_no_get
 *   lifecycle CONFIG.json notification HEADERS BODY_FILE NEEDLE   wxpresign_notification_parse
 *
 * and the same for the other families' money, each step a typed function of REQUEST:
 *
 *   global, global_order        wxpresign_global_papay_transactions(_out_trade_no_get)
 *   combine, combine_order      wxpresign_ecommerce_combine_papay_transactions(_get)
 *   repay_schedule              wxpresign_credit_repayment_partner_schedule_records_batch_create
 *   repay, repay_order          wxpresign_credit_repayment_partner_deduct_orders(_get)
 *   insurance-schedule          wxpresign_papay_insurance_pay_policy_periods_contract_id_policy_period_id_schedule
 *   insurance-apply             wxpresign_papay_insurance_pay_transactions_apply
 *   edu-notice                  wxpresign_edu_papay_user_notifications_send
 *   edu-deduct, edu-order       wxpresign_edu_papay_transactions(_out_trade_no_get)
 *   campus-deduct               wxpresign_eduschoolpay_transactions
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

/* Reads a file into `text` (NUL-terminated); its length, or -1. */
static long read_into(const char *path, char *text, size_t size) {
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        return -1;
    }
    size_t n = fread(text, 1, size - 1, f);
    fclose(f);
    text[n] = '\0';
    return (long)n;
}

static char *read_file(const char *path) {
    static char text[65536];
    return read_into(path, text, sizeof text) < 0 ? NULL : text;
}

/* Prints one deduction step's output and checks its status and `needle`. */
static int checked(const char *what, wxpresign_status got, char *out, const char *needle) {
    int ok = got == WXPRESIGN_OK && out != NULL && strstr(out, needle) != NULL;
    printf("%s %s -> %d %s\n", ok ? "ok" : "FAILED", what, (int)got, out ? out : "(null)");
    wxpresign_string_free(out);
    return ok ? 0 : 1;
}

/* The typed calls a money step makes, by the step's name. */
static const struct {
    const char *step;
    wxpresign_status (*call)(const wxpresign_client *, const char *, char **);
} CALLS[] = {
    {"schedule", wxpresign_papay_pay_schedules_contract_id_schedule},
    {"apply", wxpresign_papay_pay_transactions_apply},
    {"global", wxpresign_global_papay_transactions},
    {"order", wxpresign_pay_transactions_out_trade_no_get},
    {"global_order", wxpresign_global_papay_transactions_out_trade_no_get},
    {"combine", wxpresign_ecommerce_combine_papay_transactions},
    {"combine_order", wxpresign_ecommerce_combine_papay_transactions_get},
    {"repay_schedule", wxpresign_credit_repayment_partner_schedule_records_batch_create},
    {"repay", wxpresign_credit_repayment_partner_deduct_orders},
    {"repay_order", wxpresign_credit_repayment_partner_deduct_orders_get},
    {"insurance-schedule",
     wxpresign_papay_insurance_pay_policy_periods_contract_id_policy_period_id_schedule},
    {"insurance-apply", wxpresign_papay_insurance_pay_transactions_apply},
    {"edu-notice", wxpresign_edu_papay_user_notifications_send},
    {"edu-deduct", wxpresign_edu_papay_transactions},
    {"edu-order", wxpresign_edu_papay_transactions_out_trade_no_get},
    {"campus-deduct", wxpresign_eduschoolpay_transactions},
};

/* One step of a deduction (see the top of this file). */
static int deduction_step(const wxpresign_client *client, int argc, char **argv) {
    const char *step = argv[2];
    char *out = NULL;
    for (size_t i = 0; argc == 5 && i < sizeof CALLS / sizeof CALLS[0]; i++) {
        if (strcmp(step, CALLS[i].step) == 0) {
            wxpresign_status got = CALLS[i].call(client, argv[3], &out);
            return checked(step, got, out, argv[4]);
        }
    }
    if (strcmp(step, "notification") == 0 && argc == 6) {
        static char body[65536];
        long n = read_into(argv[4], body, sizeof body);
        if (n < 0) {
            fprintf(stderr, "cannot read %s\n", argv[4]);
            return 1;
        }
        wxpresign_status got =
            wxpresign_notification_parse(client, argv[3], body, (size_t)n, &out);
        return checked(step, got, out, argv[5]);
    }
    fprintf(stderr, "unknown step %s with %d arguments\n", step, argc);
    return 2;
}

int main(int argc, char **argv) {
    if (argc != 10 && argc != 5 && argc != 6) {
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
    if (argc != 10) {
        int failed = deduction_step(client, argc, argv);
        wxpresign_client_free(client);
        return failed;
    }
    const char *body = argv[6][0] != '\0' ? argv[6] : NULL;
    step(client, "GET", argv[3], NULL, WXPRESIGN_OK, argv[2]);
    step(client, argv[4], argv[5], body, WXPRESIGN_OK, "\"status\":");
    step(client, "GET", argv[7], NULL, WXPRESIGN_OK, argv[8]);
    step(client, "GET", argv[9], NULL, WXPRESIGN_ERR_API, "\"http_status\":404");
    wxpresign_client_free(client);
    return failures == 0 ? 0 : 1;
}
