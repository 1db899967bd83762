#include "cnnspot_image.h"
int cnnspot_shims_version(void) { return 1; }
