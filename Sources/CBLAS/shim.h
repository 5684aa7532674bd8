// OpenBLAS's CBLAS interface (Debian: libopenblas-dev installs /usr/include/x86_64-linux-gnu/cblas.h).
// Imported by FTFTTensors only.
#include <cblas.h>
