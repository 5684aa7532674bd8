// libFuzzer's driver entry point (compiler-rt, FuzzerInterface.h), linked in by `-sanitize=fuzzer`.
// SwiftPM gives every executable its own `main` (renamed `<module>_main`), so the targets cannot use libFuzzer's
// `main`; each calls this driver from its own instead, with the callback that runs one input.
#ifndef FTFT_CFUZZERDRIVER_H
#define FTFT_CFUZZERDRIVER_H
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

#endif
