/* Keyed and unkeyed hashes: SipHash-2-4 (code derivation) and CRC-32C (records). */
#ifndef SIREN_UTIL_HASH_H
#define SIREN_UTIL_HASH_H

#include <stddef.h>
#include <stdint.h>

uint64_t sr_siphash24(const uint8_t key[16], const void *data, size_t len);
uint32_t sr_crc32c(uint32_t crc, const void *data, size_t len);

#endif
