// stream_test checks libgobsl's C ABI from C, against the generated header
// only, the way any Arrow consumer or producer would use it.
//
//   cc -Wall -Wextra -Werror -I$OUT -o stream_test capi/testdata/stream_test.c -L$OUT -lgobsl
//
//   stream_test dump FILE [OPTIONS_JSON]
//       reads FILE through gobsl_open and walks every ArrowSchema and
//       ArrowArray of the stream (formats, buffers, validity bitmaps, offsets,
//       values), checking the layout invariants, and prints each row as one
//       JSON object of its non-null columns: integers as numbers, floats as
//       numbers ("NaN", "Infinity", "-Infinity" as strings), bytes as
//       {"hex": "..."}. python/tests compares this with "inspect cat
//       --format flat".
//   stream_test selftest DIR
//       writes through gobsl_write from a stream produced here in C (and
//       checks that gobsl released it), reads it back, checks the error
//       paths (status codes and messages) and the tensor API.
//
// Exit status 0 when every check passes; a failed check prints its line.
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libgobsl.h"

static int failures = 0;

#define CHECK(cond, ...)                                              \
  do {                                                                \
    if (!(cond)) {                                                    \
      fprintf(stderr, "%s:%d: check failed: %s: ", __FILE__, __LINE__, #cond); \
      fprintf(stderr, __VA_ARGS__);                                   \
      fprintf(stderr, "\n");                                          \
      failures++;                                                     \
    }                                                                 \
  } while (0)

#define FATAL(...)                          \
  do {                                      \
    fprintf(stderr, "fatal: " __VA_ARGS__); \
    fprintf(stderr, "\n");                  \
    exit(2);                                \
  } while (0)

// ---------------------------------------------------------------------------
// Walking and printing Arrow data.

static int valid(const struct ArrowArray* a, int64_t i) {
  if (a->null_count == 0 || a->n_buffers == 0 || a->buffers[0] == NULL) return 1;
  const uint8_t* bits = a->buffers[0];
  int64_t j = a->offset + i;
  return (bits[j >> 3] >> (j & 7)) & 1;
}

static int is_list(const char* f) { return strcmp(f, "+l") == 0 || strcmp(f, "+L") == 0; }

// check_layout checks the invariants of the C data interface for a and its
// children: buffer counts, null counts against the bitmap, monotonic
// offsets within the child or data.
static void check_layout(const struct ArrowSchema* s, const struct ArrowArray* a, const char* path) {
  const char* f = s->format;
  CHECK(a->release != NULL, "%s: array is released", path);
  CHECK(a->length >= 0 && a->offset >= 0, "%s: length %" PRId64 " offset %" PRId64, path, a->length, a->offset);
  CHECK(a->n_children == s->n_children, "%s: %" PRId64 " children, schema has %" PRId64, path, a->n_children,
        s->n_children);
  int64_t want_buffers = -1;
  if (strcmp(f, "n") == 0) want_buffers = 0;
  else if (strcmp(f, "+s") == 0) want_buffers = 1;
  else if (is_list(f)) want_buffers = 2;
  else if (strcmp(f, "z") == 0 || strcmp(f, "Z") == 0 || strcmp(f, "u") == 0 || strcmp(f, "U") == 0) want_buffers = 3;
  else if (strlen(f) == 1) want_buffers = 2;
  CHECK(want_buffers < 0 || a->n_buffers == want_buffers, "%s: format %s has %" PRId64 " buffers", path, f,
        a->n_buffers);
  if (a->null_count > 0 && a->n_buffers > 0 && a->buffers[0] != NULL) {
    int64_t nulls = 0;
    for (int64_t i = 0; i < a->length; i++) nulls += !valid(a, i);
    CHECK(nulls == a->null_count, "%s: null_count %" PRId64 " but %" PRId64 " null bits", path, a->null_count, nulls);
  }
  if (strcmp(f, "+l") == 0 || strcmp(f, "u") == 0 || strcmp(f, "z") == 0) {
    const int32_t* off = a->buffers[1];
    for (int64_t i = 0; i < a->length; i++)
      CHECK(off[a->offset + i] <= off[a->offset + i + 1], "%s: offsets decrease at %" PRId64, path, i);
    if (strcmp(f, "+l") == 0 && a->length > 0)
      CHECK(off[a->offset + a->length] <= a->children[0]->offset + a->children[0]->length, "%s: offsets past child",
            path);
  } else if (strcmp(f, "+L") == 0 || strcmp(f, "U") == 0 || strcmp(f, "Z") == 0) {
    const int64_t* off = a->buffers[1];
    for (int64_t i = 0; i < a->length; i++)
      CHECK(off[a->offset + i] <= off[a->offset + i + 1], "%s: offsets decrease at %" PRId64, path, i);
    if (strcmp(f, "+L") == 0 && a->length > 0)
      CHECK(off[a->offset + a->length] <= a->children[0]->offset + a->children[0]->length, "%s: offsets past child",
            path);
  }
  for (int64_t c = 0; c < s->n_children && c < a->n_children; c++) {
    char sub[512];
    snprintf(sub, sizeof sub, "%s.%s", path, s->children[c]->name ? s->children[c]->name : "?");
    check_layout(s->children[c], a->children[c], sub);
  }
}

static void print_float(double v) {
  if (isnan(v)) printf("\"NaN\"");
  else if (isinf(v)) printf(v > 0 ? "\"Infinity\"" : "\"-Infinity\"");
  else printf("%.17g", v);
}

static void print_bytes(const uint8_t* p, int64_t n) {
  printf("{\"hex\":\"");
  for (int64_t i = 0; i < n; i++) printf("%02x", p[i]);
  printf("\"}");
}

// print_value prints element i of a (an index before a->offset is added).
static void print_value(const struct ArrowSchema* s, const struct ArrowArray* a, int64_t i) {
  const char* f = s->format;
  int64_t j = a->offset + i;
  if (strcmp(f, "n") == 0 || !valid(a, i)) {
    printf("null");
    return;
  }
  switch (strlen(f) == 1 ? f[0] : 0) {
    case 'c': printf("%d", ((const int8_t*)a->buffers[1])[j]); return;
    case 'C': printf("%u", ((const uint8_t*)a->buffers[1])[j]); return;
    case 's': printf("%d", ((const int16_t*)a->buffers[1])[j]); return;
    case 'S': printf("%u", ((const uint16_t*)a->buffers[1])[j]); return;
    case 'i': printf("%d", ((const int32_t*)a->buffers[1])[j]); return;
    case 'I': printf("%u", ((const uint32_t*)a->buffers[1])[j]); return;
    case 'l': printf("%" PRId64, ((const int64_t*)a->buffers[1])[j]); return;
    case 'L': printf("%" PRIu64, ((const uint64_t*)a->buffers[1])[j]); return;
    case 'f': print_float(((const float*)a->buffers[1])[j]); return;
    case 'g': print_float(((const double*)a->buffers[1])[j]); return;
    case 'b': {
      const uint8_t* bits = a->buffers[1];
      printf(((bits[j >> 3] >> (j & 7)) & 1) ? "true" : "false");
      return;
    }
    case 'z':
    case 'u': {
      const int32_t* off = a->buffers[1];
      print_bytes((const uint8_t*)a->buffers[2] + off[j], off[j + 1] - off[j]);
      return;
    }
    case 'Z':
    case 'U': {
      const int64_t* off = a->buffers[1];
      print_bytes((const uint8_t*)a->buffers[2] + off[j], off[j + 1] - off[j]);
      return;
    }
  }
  if (is_list(f)) {
    int64_t lo, hi;
    if (f[1] == 'l') {
      lo = ((const int32_t*)a->buffers[1])[j];
      hi = ((const int32_t*)a->buffers[1])[j + 1];
    } else {
      lo = ((const int64_t*)a->buffers[1])[j];
      hi = ((const int64_t*)a->buffers[1])[j + 1];
    }
    printf("[");
    for (int64_t k = lo; k < hi; k++) {
      if (k > lo) printf(",");
      // child index k is relative to the child's own offset
      print_value(s->children[0], a->children[0], k);
    }
    printf("]");
    return;
  }
  if (strcmp(f, "+s") == 0) {
    printf("{");
    int first = 1;
    for (int64_t c = 0; c < s->n_children; c++) {
      if (!valid(a->children[c], j)) continue;
      printf("%s\"%s\":", first ? "" : ",", s->children[c]->name);
      first = 0;
      print_value(s->children[c], a->children[c], j);
    }
    printf("}");
    return;
  }
  printf("\"unsupported format %s\"", f);
}

// dump reads a file and prints its rows; returns the number of rows.
static int64_t dump(const char* path, const char* options) {
  const char* pats[] = {path};
  struct ArrowArrayStream st;
  memset(&st, 0, sizeof st);
  char* err = NULL;
  int rc = gobsl_open(pats, 1, options, NULL, 0, &st, &err);
  if (rc != GOBSL_OK) FATAL("gobsl_open %s: status %d: %s", path, rc, err);
  CHECK(err == NULL, "err set on success");
  CHECK(st.release != NULL, "stream not filled");

  struct ArrowSchema sch;
  memset(&sch, 0, sizeof sch);
  rc = st.get_schema(&st, &sch);
  if (rc != 0) FATAL("get_schema: %d: %s", rc, st.get_last_error(&st));
  CHECK(strcmp(sch.format, "+s") == 0, "top-level schema format %s, want +s (a struct)", sch.format);

  int64_t rows = 0, batches = 0;
  for (;;) {
    struct ArrowArray arr;
    memset(&arr, 0, sizeof arr);
    rc = st.get_next(&st, &arr);
    if (rc != 0) FATAL("get_next: %d: %s", rc, st.get_last_error(&st));
    if (arr.release == NULL) break;  // end of stream
    batches++;
    CHECK(arr.n_children == sch.n_children, "batch has %" PRId64 " columns, schema %" PRId64, arr.n_children,
          sch.n_children);
    check_layout(&sch, &arr, "batch");
    for (int64_t c = 0; c < arr.n_children; c++)
      CHECK(arr.children[c]->length >= arr.length, "column %s shorter than the batch", sch.children[c]->name);
    for (int64_t i = 0; i < arr.length; i++) {
      printf("{");
      int first = 1;
      for (int64_t c = 0; c < sch.n_children; c++) {
        const struct ArrowArray* col = arr.children[c];
        if (strcmp(sch.children[c]->format, "n") == 0 || !valid(col, i)) continue;
        printf("%s\"%s\":", first ? "" : ",", sch.children[c]->name);
        first = 0;
        print_value(sch.children[c], col, i);
      }
      printf("}\n");
    }
    rows += arr.length;
    arr.release(&arr);
    CHECK(arr.release == NULL, "array release did not mark it released");
  }
  // The end is sticky.
  struct ArrowArray again;
  memset(&again, 0, sizeof again);
  CHECK(st.get_next(&st, &again) == 0 && again.release == NULL, "get_next after the end");
  sch.release(&sch);
  CHECK(sch.release == NULL, "schema release did not mark it released");
  st.release(&st);
  CHECK(st.release == NULL, "stream release did not mark it released");
  fprintf(stderr, "%s: %" PRId64 " rows in %" PRId64 " batches\n", path, rows, batches);
  return rows;
}

// ---------------------------------------------------------------------------
// A stream produced in C: columns id int64, x large_list<float>, name
// large_binary; two batches of three rows, the second with a null x.

static int released_schemas, released_arrays, released_streams, batches_given;

static void release_schema(struct ArrowSchema* s) {
  for (int64_t i = 0; i < s->n_children; i++)
    if (s->children[i]->release) s->children[i]->release(s->children[i]);
  s->release = NULL;
  released_schemas++;
}

static void release_child_schema(struct ArrowSchema* s) { s->release = NULL; }

static struct ArrowSchema child_schemas[4];
static struct ArrowSchema* child_ptrs[3];

static void make_field(struct ArrowSchema* s, const char* format, const char* name, int64_t nchildren,
                       struct ArrowSchema** children) {
  memset(s, 0, sizeof *s);
  s->format = format;
  s->name = name;
  s->flags = ARROW_FLAG_NULLABLE;
  s->n_children = nchildren;
  s->children = children;
  s->release = release_child_schema;
}

static int produce_schema(struct ArrowArrayStream* st, struct ArrowSchema* out) {
  (void)st;
  static struct ArrowSchema* item_ptr[1];
  make_field(&child_schemas[0], "l", "id", 0, NULL);
  make_field(&child_schemas[3], "f", "item", 0, NULL);
  item_ptr[0] = &child_schemas[3];
  make_field(&child_schemas[1], "+L", "x", 1, item_ptr);
  make_field(&child_schemas[2], "Z", "name", 0, NULL);
  for (int i = 0; i < 3; i++) child_ptrs[i] = &child_schemas[i];
  memset(out, 0, sizeof *out);
  out->format = "+s";
  out->name = "";
  out->n_children = 3;
  out->children = child_ptrs;
  out->release = release_schema;
  return 0;
}

// One batch's memory, kept in static storage (the release callback only
// counts).
struct batch_mem {
  int64_t ids[3];
  int64_t x_off[4];
  float x_vals[8];
  uint8_t x_valid[1];
  int64_t name_off[4];
  char names[32];
  const void* top_buffers[1];
  const void* id_buffers[2];
  const void* x_buffers[2];
  const void* item_buffers[2];
  const void* name_buffers[3];
  struct ArrowArray id, x, item, name;
  struct ArrowArray* children[3];
  struct ArrowArray* x_children[1];
};
static struct batch_mem mem[2];

static void release_child_array(struct ArrowArray* a) { a->release = NULL; }

static void release_array(struct ArrowArray* a) {
  for (int64_t i = 0; i < a->n_children; i++)
    if (a->children[i]->release) a->children[i]->release(a->children[i]);
  a->release = NULL;
  released_arrays++;
}

static void fill(struct ArrowArray* a, int64_t len, int64_t nulls, int64_t nbuf, const void** bufs, int64_t nchild,
                 struct ArrowArray** children) {
  memset(a, 0, sizeof *a);
  a->length = len;
  a->null_count = nulls;
  a->n_buffers = nbuf;
  a->buffers = bufs;
  a->n_children = nchild;
  a->children = children;
  a->release = release_child_array;
}

static int produce_next(struct ArrowArrayStream* st, struct ArrowArray* out) {
  (void)st;
  memset(out, 0, sizeof *out);
  if (batches_given == 2) return 0;  // released: the end
  int b = batches_given++;
  struct batch_mem* m = &mem[b];
  const char* words[3] = {b ? "delta" : "alpha", b ? "" : "beta", b ? "zeta\x01" : "gamma"};
  int64_t n = 0;
  m->x_off[0] = 0;
  m->name_off[0] = 0;
  for (int i = 0; i < 3; i++) {
    m->ids[i] = (int64_t)(b * 3 + i) * 1000000000000LL - 7;
    int k = (b == 1 && i == 1) ? 0 : i + 1;  // row 1 of batch 1 is null
    for (int v = 0; v < k; v++) m->x_vals[m->x_off[i] + v] = (float)(b * 10 + i) + 0.25f * (float)v;
    m->x_off[i + 1] = m->x_off[i] + k;
    size_t w = strlen(words[i]);
    memcpy(m->names + n, words[i], w);
    n += (int64_t)w;
    m->name_off[i + 1] = n;
  }
  m->x_valid[0] = (b == 1) ? 0x5 : 0x7;
  m->top_buffers[0] = NULL;
  m->id_buffers[0] = NULL;
  m->id_buffers[1] = m->ids;
  m->x_buffers[0] = m->x_valid;
  m->x_buffers[1] = m->x_off;
  m->item_buffers[0] = NULL;
  m->item_buffers[1] = m->x_vals;
  m->name_buffers[0] = NULL;
  m->name_buffers[1] = m->name_off;
  m->name_buffers[2] = m->names;
  fill(&m->id, 3, 0, 2, m->id_buffers, 0, NULL);
  fill(&m->item, m->x_off[3], 0, 2, m->item_buffers, 0, NULL);
  m->x_children[0] = &m->item;
  fill(&m->x, 3, b == 1 ? 1 : 0, 2, m->x_buffers, 1, m->x_children);
  fill(&m->name, 3, 0, 3, m->name_buffers, 0, NULL);
  m->children[0] = &m->id;
  m->children[1] = &m->x;
  m->children[2] = &m->name;
  fill(out, 3, 0, 1, m->top_buffers, 3, m->children);
  out->release = release_array;
  return 0;
}

static const char* produce_error(struct ArrowArrayStream* st) {
  (void)st;
  return NULL;
}

static void release_stream(struct ArrowArrayStream* st) {
  st->release = NULL;
  released_streams++;
}

static void make_stream(struct ArrowArrayStream* st) {
  batches_given = 0;
  st->get_schema = produce_schema;
  st->get_next = produce_next;
  st->get_last_error = produce_error;
  st->release = release_stream;
  st->private_data = NULL;
}

// expect_written reads path back and compares with what produce_next gave.
static void expect_written(const char* path) {
  const char* pats[] = {path};
  struct ArrowArrayStream st;
  memset(&st, 0, sizeof st);
  char* err = NULL;
  int rc = gobsl_open(pats, 1, "{\"columns\": [\"id\", \"x\", \"name\"]}", NULL, 0, &st, &err);
  if (rc != GOBSL_OK) FATAL("reading back %s: %d: %s", path, rc, err);
  struct ArrowSchema sch;
  memset(&sch, 0, sizeof sch);
  CHECK(st.get_schema(&st, &sch) == 0, "get_schema");
  CHECK(sch.n_children == 3, "%s: %" PRId64 " columns", path, sch.n_children);
  int64_t row = 0;
  for (;;) {
    struct ArrowArray arr;
    memset(&arr, 0, sizeof arr);
    if (st.get_next(&st, &arr) != 0) FATAL("get_next: %s", st.get_last_error(&st));
    if (arr.release == NULL) break;
    check_layout(&sch, &arr, path);
    for (int64_t i = 0; i < arr.length; i++, row++) {
      int b = (int)(row / 3), r = (int)(row % 3);
      // id: TFRecord gives large_list<int64> of one value; Parquet gives int64
      const struct ArrowArray* idc = arr.children[0];
      int64_t id;
      if (is_list(sch.children[0]->format)) {
        const int64_t* off = idc->buffers[1];
        const struct ArrowArray* v = idc->children[0];
        CHECK(off[idc->offset + i + 1] - off[idc->offset + i] == 1, "%s row %" PRId64 ": id has no single value", path,
              row);
        id = ((const int64_t*)v->buffers[1])[v->offset + off[idc->offset + i]];
      } else {
        id = ((const int64_t*)idc->buffers[1])[idc->offset + i];
      }
      CHECK(id == mem[b].ids[r], "%s row %" PRId64 ": id %" PRId64 ", want %" PRId64, path, row, id, mem[b].ids[r]);
      const struct ArrowArray* xc = arr.children[1];
      int null_x = (b == 1 && r == 1);
      CHECK(valid(xc, i) == !null_x, "%s row %" PRId64 ": x validity", path, row);
      if (!null_x) {
        const int64_t* off = xc->buffers[1];
        const struct ArrowArray* v = xc->children[0];
        int64_t lo = off[xc->offset + i], hi = off[xc->offset + i + 1];
        CHECK(hi - lo == r + 1, "%s row %" PRId64 ": x has %" PRId64 " values", path, row, hi - lo);
        for (int64_t k = lo; k < hi && hi - lo == r + 1; k++) {
          float got = ((const float*)v->buffers[1])[v->offset + k];
          float want = mem[b].x_vals[mem[b].x_off[r] + (k - lo)];
          CHECK(got == want, "%s row %" PRId64 ": x[%" PRId64 "] %g want %g", path, row, k - lo, got, want);
        }
      }
      const struct ArrowArray* nc = arr.children[2];
      const char* nf = sch.children[2]->format;
      const int64_t* noff;
      const struct ArrowArray* nv = nc;
      int64_t ni = nc->offset + i;
      if (is_list(nf)) {  // TFRecord: large_list<large_binary>, one value
        const int64_t* loff = nc->buffers[1];
        nv = nc->children[0];
        ni = nv->offset + loff[nc->offset + i];
      }
      noff = nv->buffers[1];
      int64_t len = noff[ni + 1] - noff[ni];
      int64_t wlen = mem[b].name_off[r + 1] - mem[b].name_off[r];
      CHECK(len == wlen && memcmp((const char*)nv->buffers[2] + noff[ni], mem[b].names + mem[b].name_off[r],
                                  (size_t)len) == 0,
            "%s row %" PRId64 ": name differs", path, row);
    }
    arr.release(&arr);
  }
  CHECK(row == 6, "%s: %" PRId64 " rows read back, want 6", path, row);
  sch.release(&sch);
  st.release(&st);
}

static void test_write(const char* dir) {
  const char* outs[] = {"c.tfrecord", "c.parquet", "c.arrow", "c.tfrecord.gz"};
  for (int k = 0; k < 4; k++) {
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, outs[k]);
    struct ArrowArrayStream st;
    make_stream(&st);
    int before_arrays = released_arrays, before_streams = released_streams;
    char* err = NULL;
    int64_t rows = -1;
    int rc = gobsl_write(path, &st, "{\"force\": true, \"deterministic\": true}", NULL, 0, &rows, &err);
    CHECK(rc == GOBSL_OK, "gobsl_write %s: %d: %s", path, rc, err ? err : "");
    CHECK(rows == 6, "%s: %" PRId64 " rows written", path, rows);
    CHECK(st.release == NULL, "gobsl_write did not take the stream over");
    CHECK(released_streams == before_streams + 1, "%s: stream released %d times", path,
          released_streams - before_streams);
    CHECK(released_arrays == before_arrays + 2, "%s: %d of 2 arrays released", path, released_arrays - before_arrays);
    gobsl_free(err);
    if (rc == GOBSL_OK) expect_written(path);
  }
  // Refuses to replace without force; the stream is released all the same.
  char path[1024];
  snprintf(path, sizeof path, "%s/c.tfrecord", dir);
  struct ArrowArrayStream st;
  make_stream(&st);
  int before = released_streams;
  char* err = NULL;
  int rc = gobsl_write(path, &st, NULL, NULL, 0, NULL, &err);
  CHECK(rc == GOBSL_EDATA && err != NULL, "overwrite without force: %d", rc);
  CHECK(released_streams == before + 1 && st.release == NULL, "failed write did not release the stream");
  fprintf(stderr, "overwrite: %s\n", err ? err : "(no message)");
  gobsl_free(err);
}

static void test_errors(const char* dir) {
  char missing[1024];
  snprintf(missing, sizeof missing, "%s/no-such-file.tfrecord", dir);
  const char* pats[] = {missing};
  struct ArrowArrayStream st;
  memset(&st, 0, sizeof st);
  char* err = NULL;
  int rc = gobsl_open(pats, 1, NULL, NULL, 0, &st, &err);
  CHECK(rc == GOBSL_EDATA, "missing file: status %d", rc);
  CHECK(err != NULL && strstr(err, "no-such-file.tfrecord") != NULL, "missing file: message %s", err ? err : "NULL");
  CHECK(st.release == NULL, "stream filled on failure");
  gobsl_free(err);

  err = NULL;
  rc = gobsl_open(pats, 1, "{\"batch_sise\": 3}", NULL, 0, &st, &err);
  CHECK(rc == GOBSL_EUSAGE, "unknown option: status %d", rc);
  CHECK(err != NULL && strstr(err, "batch_sise") != NULL, "unknown option: message %s", err ? err : "NULL");
  gobsl_free(err);

  err = NULL;
  rc = gobsl_open(pats, 1, "{\"record_type\": \"sequence\"}", NULL, 0, &st, &err);
  CHECK(rc == GOBSL_EUSAGE, "bad record type: status %d", rc);
  gobsl_free(err);

  // A damaged file: the error comes from get_next, with the position.
  char bad[1024];
  snprintf(bad, sizeof bad, "%s/damaged.tfrecord", dir);
  FILE* f = fopen(bad, "wb");
  if (!f) FATAL("create %s", bad);
  // a length of 5, a wrong length CRC, then garbage
  const uint8_t junk[] = {5, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4, 'h', 'e', 'l', 'l', 'o', 0, 0, 0, 0};
  fwrite(junk, 1, sizeof junk, f);
  fclose(f);
  const char* bpats[] = {bad};
  err = NULL;
  memset(&st, 0, sizeof st);
  rc = gobsl_open(bpats, 1, "{\"format\": \"tfrecord\"}", NULL, 0, &st, &err);
  if (rc == GOBSL_OK) {
    struct ArrowArray arr;
    memset(&arr, 0, sizeof arr);
    int e = st.get_next(&st, &arr);
    CHECK(e != 0, "damaged file read without error");
    const char* msg = st.get_last_error(&st);
    CHECK(msg != NULL && strstr(msg, "damaged.tfrecord") != NULL, "damaged: message %s", msg ? msg : "NULL");
    fprintf(stderr, "damaged (get_next): %s\n", msg ? msg : "NULL");
    if (arr.release) arr.release(&arr);
    st.release(&st);
  } else {
    CHECK(rc == GOBSL_EDATA && err != NULL && strstr(err, "damaged.tfrecord") != NULL, "damaged: %d %s", rc,
          err ? err : "NULL");
    fprintf(stderr, "damaged (open): %s\n", err ? err : "NULL");
    gobsl_free(err);
  }

  // Invalid handles are usage errors, not crashes.
  gobsl_batch b = 0;
  err = NULL;
  rc = gobsl_tensors_next((gobsl_tensors)12345, &b, &err);
  CHECK(rc == GOBSL_EUSAGE && b == 0, "bad handle: %d", rc);
  gobsl_free(err);
  gobsl_tensors_close((gobsl_tensors)12345);
  gobsl_batch_free((gobsl_batch)12345);
  CHECK(gobsl_batch_num_rows((gobsl_batch)12345) == -1, "bad batch handle rows");
}

static void test_tensors(const char* dir) {
  char path[1024];
  snprintf(path, sizeof path, "%s/c.tfrecord", dir);
  const char* pats[] = {path};
  for (int ragged = 0; ragged < 2; ragged++) {
    gobsl_tensors t = 0;
    char* err = NULL;
    int rc = gobsl_tensors_open(pats, 1, NULL, ragged ? "{\"representation\": \"ragged\", \"batch_size\": 4}" : "{\"batch_size\": 4}",
                                NULL, 0, &t, &err);
    if (rc != GOBSL_OK) FATAL("gobsl_tensors_open: %d: %s", rc, err);
    char* specs = NULL;
    CHECK(gobsl_tensors_specs(t, &specs, NULL) == GOBSL_OK && specs != NULL, "specs");
    fprintf(stderr, "specs: %s\n", specs);
    gobsl_free(specs);
    int64_t rows = 0;
    gobsl_batch keep = 0;
    for (;;) {
      gobsl_batch b = 0;
      rc = gobsl_tensors_next(t, &b, &err);
      if (rc != GOBSL_OK) FATAL("gobsl_tensors_next: %d: %s", rc, err);
      if (b == 0) break;
      int64_t n = gobsl_batch_num_rows(b), na = gobsl_batch_num_arrays(b);
      CHECK(na > 0, "no arrays");
      struct gobsl_array all[16];
      CHECK(na <= 16 && gobsl_batch_arrays(b, all, na, NULL) == GOBSL_OK, "gobsl_batch_arrays");
      CHECK(gobsl_batch_arrays(b, all, na + 1, NULL) == GOBSL_EUSAGE, "gobsl_batch_arrays past the end");
      for (int64_t i = 0; i < na; i++) {
        struct gobsl_array a;
        CHECK(gobsl_batch_array(b, i, &a, NULL) == GOBSL_OK, "array %" PRId64, i);
        CHECK(memcmp(&a, &all[i], sizeof a) == 0, "array %" PRId64 ": gobsl_batch_arrays differs", i);
        int64_t elems = 1;
        for (int64_t d = 0; d < a.ndim; d++) elems *= a.shape[d];
        static const int size[] = {0, 1, 2, 4, 8, 1, 2, 4, 8, 2, 4, 8, 0};
        if (a.dtype == GOBSL_BYTES) {
          CHECK(a.offsets != NULL && a.offsets[elems] == a.nbytes, "%s: bytes offsets", a.name);
          // The struct format: "<" then "Ns" for each value, N its length.
          char* f = NULL;
          int64_t flen = -1;
          CHECK(gobsl_batch_bytes_format(b, i, &f, &flen, NULL) == GOBSL_OK && flen >= 1 && f[0] == '<',
                "%s: bytes format", a.name);
          int64_t at = 1;
          for (int64_t v = 0; v < elems; v++) {
            int64_t len = 0;
            int digits = 0;
            for (; at < flen && f[at] >= '0' && f[at] <= '9'; at++, digits++) len = len * 10 + (f[at] - '0');
            CHECK(digits > 0 && at < flen && f[at] == 's' && len == a.offsets[v + 1] - a.offsets[v],
                  "%s: bytes format value %" PRId64, a.name, v);
            at++;
          }
          CHECK(at == flen, "%s: bytes format: %" PRId64 " of %" PRId64 " bytes read", a.name, at, flen);
        } else {
          char* f = NULL;
          int64_t flen = 0;
          CHECK(gobsl_batch_bytes_format(b, i, &f, &flen, NULL) == GOBSL_EUSAGE, "%s: bytes format of numbers",
                a.name);
          CHECK(a.nbytes == elems * size[a.dtype], "%s: %" PRId64 " bytes for %" PRId64 " elements", a.name, a.nbytes,
                elems);
        }
        if (a.role == GOBSL_ROLE_ROW_SPLITS) {
          const int64_t* s = a.data;
          CHECK(a.dtype == GOBSL_INT64 && a.shape[0] == n + 1 && s[0] == 0, "%s: row splits", a.name);
        }
        if (strcmp(a.tensor, "id") == 0 && a.kind == GOBSL_DENSE) {
          CHECK(a.dtype == GOBSL_INT64, "id dtype");
        }
        if (strcmp(a.name, "x.values") == 0 && ragged) {
          CHECK(a.kind == GOBSL_RAGGED && a.dtype == GOBSL_FLOAT32, "x ragged float32");
        }
        if (strcmp(a.name, "x.indices") == 0) {
          CHECK(!ragged && a.kind == GOBSL_SPARSE && a.ndim == 2 && a.shape[1] == 2, "x sparse indices");
        }
      }
      rows += n;
      if (keep == 0) keep = b;  // kept past the reader's close
      else gobsl_batch_free(b);
    }
    gobsl_tensors_close(t);
    CHECK(rows == 6, "tensors: %" PRId64 " rows", rows);
    struct gobsl_array a;
    CHECK(gobsl_batch_array(keep, 0, &a, NULL) == GOBSL_OK && a.name != NULL, "batch after close");
    gobsl_batch_free(keep);
  }
}

int main(int argc, char** argv) {
  if (argc >= 3 && strcmp(argv[1], "dump") == 0) {
    dump(argv[2], argc > 3 ? argv[3] : NULL);
  } else if (argc == 3 && strcmp(argv[1], "selftest") == 0) {
    fprintf(stderr, "libgobsl %s\n", gobsl_version());
    test_write(argv[2]);
    test_errors(argv[2]);
    test_tensors(argv[2]);
  } else {
    fprintf(stderr, "usage: stream_test dump FILE [OPTIONS_JSON] | stream_test selftest DIR\n");
    return 2;
  }
  if (failures) {
    fprintf(stderr, "%d checks failed\n", failures);
    return 1;
  }
  fprintf(stderr, "ok\n");
  return 0;
}
