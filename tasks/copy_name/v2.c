#include "task.h"

size_t copy_name(char *dst, const char *src)
{
    return dep_strlcpy(dst, src, 12);
}
