/* Declarations only (include/CLibFuzzer.h); SwiftPM wants a source file for a C target. */
#include "CLibFuzzer.h"
