namespace Sourceless.Neural;

/// <summary>Row loops split into a fixed number of contiguous chunks, one per thread. Each chunk
/// writes only its own rows, so the result does not depend on scheduling: same seed, same thread
/// count, same numbers.</summary>
internal static class Rows
{
    public static int Threads { get; set; } = Environment.ProcessorCount;

    /// <summary>A run's thread count: the row loops get all of it, OpenBLAS what
    /// <see cref="Blas.ThreadsFor"/> gives it.</summary>
    public static void Use(int threads)
    {
        Threads = Math.Max(1, threads);
        Blas.UseThreads(Blas.ThreadsFor(Threads));
    }

    public static void For(int count, Action<int, int> body, int minChunk = 16)
    {
        int chunks = Math.Min(Threads, Math.Max(1, count / minChunk));
        if (chunks <= 1) { body(0, count); return; }
        System.Threading.Tasks.Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = chunks }, c =>
        {
            int start = (int)((long)count * c / chunks), end = (int)((long)count * (c + 1) / chunks);
            body(start, end);
        });
    }
}
