#include "task.h"

long fib_rec(int n)
{
    if (n < 2) return 0;
    if (n == 2) return 1;
    return fib_rec(n - 1) + fib_rec(n - 2) + fib_rec(n - 3);
}
