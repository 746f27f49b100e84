#include "task.h"
#include <stdio.h>

void greet(char *out, const char *name)
{
    char tmp[64];
    snprintf(tmp, sizeof tmp, name); /* planted: name is used as the format string */
    snprintf(out, 64, "Hello, %s!", tmp);
}
