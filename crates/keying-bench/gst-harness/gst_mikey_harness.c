/*
 * GStreamer MIKEY parse timing harness for keying-bench (see ../BENCHMARKS.md).
 *
 * The Rust workspace forbids `unsafe`, so GStreamer is not called through FFI: this is a
 * separate program, built by build.sh with gcc against Debian's libgstreamer-plugins-base1.0
 * (gstreamer-sdp-1.0), that times itself with clock_gettime(CLOCK_MONOTONIC).
 *
 *   gst_mikey_harness FILE.hex...          self-timed report: median ns/op of 21 batches
 *                                          for gst_mikey_message_new_from_bytes + unref and
 *                                          for memcpy of the same bytes, per vector
 *   gst_mikey_harness --serve FILE.hex...  line protocol used by the criterion bench
 *                                          (iter_custom): reads "OP INDEX ITERS\n" with OP
 *                                          'g' (GStreamer parse), 'e' (GStreamer
 *                                          gst_mikey_message_to_bytes of the parsed
 *                                          message) or 'c' (memcpy), runs ITERS
 *                                          iterations and answers with the elapsed ns.
 *
 * At start every vector is parsed once in a forked child with a 2 s alarm: GStreamer 1.22's
 * parser loops forever on V, ERR, ID, CERT, DH, SIGN, CHASH and general-extension payloads
 * (mikey-core tests/gstreamer_hang_shapes.rs), so such a vector is reported on stderr as
 * "HANG", one it refuses as "REJECT", and on the serve protocol 'g' requests for either
 * answer "-1".
 */
#include <gst/gst.h>
#include <gst/sdp/gstmikey.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_VECTORS 64
#define MAX_LEN 4096

struct vec {
    const char *name;
    uint8_t bytes[MAX_LEN];
    size_t len;
    GBytes *gbytes;
    GstMIKEYMessage *parsed; /* for the emit timing */
    int gst_ok;
};

static struct vec vecs[MAX_VECTORS];
static uint8_t sink[MAX_LEN];

static int load_hex(const char *path, struct vec *v)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    int hi = -1, c;
    v->len = 0;
    while ((c = fgetc(f)) != EOF) {
        int d;
        if (c >= '0' && c <= '9') d = c - '0';
        else if (c >= 'a' && c <= 'f') d = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F') d = c - 'A' + 10;
        else continue;
        if (hi < 0) {
            hi = d;
        } else {
            if (v->len >= MAX_LEN) { fclose(f); return -1; }
            v->bytes[v->len++] = (uint8_t)(hi << 4 | d);
            hi = -1;
        }
    }
    fclose(f);
    return hi < 0 ? 0 : -1;
}

static inline uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* One iteration of each operation. */
static inline int op_gst(struct vec *v)
{
    GstMIKEYMessage *m = gst_mikey_message_new_from_bytes(v->gbytes, NULL, NULL);
    if (!m)
        return -1;
    gst_mikey_message_unref(m);
    return 0;
}

static inline int op_emit(struct vec *v)
{
    GBytes *b = gst_mikey_message_to_bytes(v->parsed, NULL, NULL);
    if (!b)
        return -1;
    g_bytes_unref(b);
    return 0;
}

static inline void op_copy(struct vec *v)
{
    memcpy(sink, v->bytes, v->len);
    __asm__ volatile("" : : "r"(sink) : "memory");
}

static uint64_t run(char op, struct vec *v, uint64_t iters)
{
    uint64_t t0 = now_ns();
    if (op == 'g') {
        for (uint64_t i = 0; i < iters; i++)
            op_gst(v);
    } else if (op == 'e') {
        for (uint64_t i = 0; i < iters; i++)
            op_emit(v);
    } else {
        for (uint64_t i = 0; i < iters; i++)
            op_copy(v);
    }
    return now_ns() - t0;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Median ns/op of 21 batches of ~20 ms each, after a 200 ms warm-up. */
static double self_timed(char op, struct vec *v)
{
    uint64_t iters = 1;
    while (run(op, v, iters) < 20000000u)
        iters *= 2;
    uint64_t warm = now_ns();
    while (now_ns() - warm < 200000000u)
        run(op, v, iters);
    double r[21];
    for (int i = 0; i < 21; i++)
        r[i] = (double)run(op, v, iters) / (double)iters;
    qsort(r, 21, sizeof r[0], cmp_double);
    return r[10];
}

int main(int argc, char **argv)
{
    int serve = 0, first = 1, n = 0;
    if (argc > 1 && strcmp(argv[1], "--serve") == 0) {
        serve = 1;
        first = 2;
    }
    gst_init(NULL, NULL);
    for (int i = first; i < argc && n < MAX_VECTORS; i++, n++) {
        struct vec *v = &vecs[n];
        const char *slash = strrchr(argv[i], '/');
        v->name = slash ? slash + 1 : argv[i];
        if (load_hex(argv[i], v) != 0) {
            fprintf(stderr, "cannot read %s\n", argv[i]);
            return 2;
        }
        v->gbytes = g_bytes_new_static(v->bytes, v->len);
        fflush(NULL);
        pid_t pid = fork();
        if (pid == 0) {
            alarm(2);
            _exit(op_gst(v) == 0 ? 0 : 1);
        }
        int status = 0;
        waitpid(pid, &status, 0);
        const char *verdict = "OK    ";
        if (WIFSIGNALED(status))
            verdict = "HANG  ";
        else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
            verdict = "REJECT";
        v->gst_ok = verdict[0] == 'O';
        if (v->gst_ok) {
            v->parsed = gst_mikey_message_new_from_bytes(v->gbytes, NULL, NULL);
            if (!v->parsed || op_emit(v) != 0)
                v->gst_ok = 0;
        }
        fprintf(stderr, "%s %s (%zu B)\n", verdict, v->name, v->len);
    }
    if (serve) {
        char line[128];
        setvbuf(stdout, NULL, _IOLBF, 0);
        while (fgets(line, sizeof line, stdin)) {
            char op;
            int idx;
            unsigned long long iters;
            if (sscanf(line, " %c %d %llu", &op, &idx, &iters) != 3 || idx < 0 || idx >= n ||
                (op != 'g' && op != 'e' && op != 'c')) {
                printf("-2\n");
                continue;
            }
            if (op != 'c' && !vecs[idx].gst_ok) {
                printf("-1\n");
                continue;
            }
            printf("%llu\n", (unsigned long long)run(op, &vecs[idx], iters));
        }
        return 0;
    }
    printf("%-34s %6s %14s %14s %12s\n", "vector", "bytes", "gst parse ns", "gst emit ns",
           "memcpy ns");
    for (int i = 0; i < n; i++) {
        struct vec *v = &vecs[i];
        double c = self_timed('c', v);
        if (v->gst_ok)
            printf("%-34s %6zu %14.1f %14.1f %12.2f\n", v->name, v->len, self_timed('g', v),
                   self_timed('e', v), c);
        else
            printf("%-34s %6zu %14s %14s %12.2f\n", v->name, v->len, "hang/reject", "-", c);
    }
    return 0;
}
