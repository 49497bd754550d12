/* A consumer of the installed package: opens a database, enrols, sells. */
#include <loyalty/loyalty.h>

#include <stdio.h>

int main(int argc, char** argv) {
    if (argc < 2) return 2;
    if (loy_version_number() != LOY_VERSION_NUMBER) return 3;
    loy_open_options o;
    loy_open_options_init(&o);
    o.path = argv[1];
    loy_db* db = NULL;
    loy_error err;
    loy_error_init(&err);
    if (loy_open(&o, &db, &err) != LOY_OK) {
        fprintf(stderr, "%s\n", err.message);
        return 4;
    }
    loy_member_fields f;
    loy_member_fields_init(&f);
    f.phone = "09121234567";
    loy_member* m = NULL;
    int rc = loy_member_enrol(db, &f, "consumer-enrol", &m, &err);
    if (rc != LOY_OK) return 5;
    loy_basket* b = NULL;
    loy_basket_new(&b, &err);
    loy_basket_set_member(b, loy_member_id(m), &err);
    loy_basket_add_line(b, "X", "y", 1000, 1000, 0, NULL, &err);
    loy_receipt* r = NULL;
    rc = loy_commit(db, b, "consumer-sale", &r, &err);
    printf("consumer: libloyalty %s, sale %lld\n", loy_version_string(),
           (long long)loy_receipt_sale_id(r));
    loy_receipt_free(r);
    loy_basket_free(b);
    loy_member_free(m);
    loy_close(db);
    return rc == LOY_OK ? 0 : 6;
}
