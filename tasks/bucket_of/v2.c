#include "task.h"

int bucket_of(const char *key, int nbuckets)
{
    return (int)((dep_hash(key) >> 8) % (unsigned)nbuckets);
}
