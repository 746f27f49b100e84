#include "task.h"

long hanoi_moves(int n)
{
    if (n == 0) return 0;
    return hanoi_moves(n - 1) + 1 + hanoi_moves(n - 1) + 1 + hanoi_moves(n - 1);
}
