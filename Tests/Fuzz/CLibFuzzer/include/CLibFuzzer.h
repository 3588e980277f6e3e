#ifndef CLIBFUZZER_H
#define CLIBFUZZER_H
#include <stddef.h>
#include <stdint.h>

/* libFuzzer's driver (compiler-rt, linked by -sanitize=fuzzer): runs the
   fuzzing loop with the command line's options and calls `callback` on each
   input. A Swift executable target has a main of its own, so the fuzz targets
   call this from it instead of using libFuzzer's main. Only a build with
   -sanitize=fuzzer may call it. */
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));
#endif
