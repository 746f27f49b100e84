#include "task.h"

long fib_rec(int n)
{
    return n < 2 ? n : fib_rec(n - 1) + fib_rec(n - 2);
}
