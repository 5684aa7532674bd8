// zlib (Debian: zlib1g-dev). Imported by FTFTIO only.
#include <zlib.h>
