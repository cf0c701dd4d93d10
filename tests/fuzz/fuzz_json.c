/* libFuzzer target: the JSON reader (sr_doc_parse_json), see fuzz_doc.h. */
#include "fuzz_doc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  fz_doc_one(sr_doc_parse_json, data, size);
  return 0;
}
