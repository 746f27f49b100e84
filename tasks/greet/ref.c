#include "task.h"
#include <stdio.h>

void greet(char *out, const char *name)
{
    snprintf(out, 64, "Hello, %s!", name);
}
