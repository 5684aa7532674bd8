// Intentionally empty: SwiftPM needs one source file in a C target; the declaration is in the header.
#include "CFuzzerDriver.h"
